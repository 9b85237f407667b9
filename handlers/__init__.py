"""Telegram handlers (thin: parse the update, call a service, render the reply).

Empty until the Telegram issue; the console and the CLI call `knowledge.answers` directly.
"""
