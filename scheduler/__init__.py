"""Deadlines in time: occurrences and reminder planning (pure), delivery and the weekly digest (jobs)."""
