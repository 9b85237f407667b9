"""Deadline occurrences (pure) now; reminder planning and delivery come with the reminders issue."""
