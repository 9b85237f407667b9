"""Jobs: what the application does on its own, on PTB's JobQueue.

`delivery` (every minute: the reminders due, each sent once, several at a time), `digest` (the
standing office's Monday digest) and `housekeeping` (old update ids and deliveries forgotten).
Each module registers its job (`schedule_delivery`, `schedule_digest`, `schedule_housekeeping`),
called by `bot.telegram.app.build_application` in the one process whose `RUN_JOBS` is on; the
planning itself is pure and lives in `scheduler`.
"""
