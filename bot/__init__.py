"""The application: everything between the knowledge base and Telegram.

Arranged by concern: `settings` and `core` (what every handler needs, built once), `db` (engine,
models, migrations), `services` (the rules and the transactions of each feature), `jobs`
(reminder delivery, the weekly digest), `telegram` (application assembly, serving, the
in-process transport, the console — the only package that imports `handlers`), `cli`
(`python -m bot`), and the helpers `leak_guard`, `exports`, `flood`, `clock`, `dates`, `logs`,
`messages`. Pure rules stay below it, in `knowledge` and `scheduler`; see ARCHITECTURE.md.
"""
