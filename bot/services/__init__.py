"""Services: the database side of every feature, called by handlers, jobs and the CLI.

Each function takes the caller's `Session` first and the current time as `now` where time
matters. They flush but never commit (the caller owns the transaction: ``with
factory.begin() as session``), and they fail with a `ServiceError` subclass carrying a short
`reason` code — never user-facing text, which lives with the handlers.

Modules: `users`, `units`, `contacts`, `updates`, `questions`, `audit`, `statuses` (status
reports, overview, export rows), `drafts` (the chat's report in progress), `subscriptions`
(reminder settings), `deliveries` (the delivery log: each message claimed once), `announcements`,
`unit_drafts` (unit choices and registry changes waiting for confirmation).
"""

from __future__ import annotations

from typing import Any

__all__ = ["ServiceError"]


class ServiceError(Exception):
    """Root of the services' exceptions.

    ServiceError
    ├── users.UserError
    ├── units.UnitNotFound
    ├── units.DuplicateUnit
    ├── units.UnitChangeRefused
    ├── contacts.ContactError
    │   └── contacts.InviteError
    ├── statuses.StatusRefused
    ├── subscriptions.SubscriptionError
    ├── deliveries.DeliveryError
    ├── announcements.AnnouncementError
    └── audit.AuditError
    """

    def __init__(self, reason: str, **context: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.context = context
