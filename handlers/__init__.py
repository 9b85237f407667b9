"""Telegram handlers (thin: parse the update, call a service or `knowledge`, render the reply).

No SQL and no business rules here; every sentence comes from a texts module. Only
`bot.telegram.app` imports this package, to assemble the application.
"""
