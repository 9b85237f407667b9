"""Jobs: what the application does on its own, on PTB's JobQueue.

`delivery` (every minute: the reminders due, each sent exactly once) and `digest` (the standing
office's Monday digest). Each module registers its job (`schedule_delivery`, `schedule_digest`);
the planning itself is pure and lives in `scheduler`.
"""
