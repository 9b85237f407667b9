"""Per-user flood limit: a sliding one-minute window kept in memory.

In memory on purpose: it protects this process from a runaway client; losing it on restart costs
nothing, and several processes each apply it to the updates they receive.
"""

from __future__ import annotations

from collections import deque

__all__ = ["FloodLimiter"]


class FloodLimiter:
    """Allow at most `limit` updates per user per `window` seconds; say so once per window."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._seen: dict[int, deque[float]] = {}
        self._warned_at: dict[int, float] = {}

    def allow(self, user_id: int, now: float) -> bool:
        """Record one update of `user_id` at `now` (seconds); False once over the limit."""
        times = self._seen.setdefault(user_id, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(now)
        if len(self._seen) > 10_000:  # forget users idle for a whole window
            for uid in [u for u, t in self._seen.items() if not t or t[-1] <= now - self.window]:
                del self._seen[uid]
                self._warned_at.pop(uid, None)
        return True

    def should_warn(self, user_id: int, now: float) -> bool:
        """True the first time in a window that `user_id` is refused."""
        last = self._warned_at.get(user_id)
        if last is not None and now - last < self.window:
            return False
        self._warned_at[user_id] = now
        return True
