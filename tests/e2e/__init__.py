"""End-to-end tests: a real python-telegram-bot Application against the telegram-test-api emulator."""
