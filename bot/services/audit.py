"""The audit trail: who changed what, for the standing office and for incident review.

Callers pass ids, codes and counts in `detail` — never message text. A refused message (a file,
a marked text) is recorded by its kind and the reason code only: the audit log must not become
the copy of the secret the bot refused to keep.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import insert

from bot.db.engine import Db, connection_of
from bot.db.models import AuditEntry
from bot.services import ServiceError

__all__ = ["AuditError", "record"]

_MAX_ACTION = 64
_MAX_TARGET = 200


class AuditError(ServiceError):
    """reason: "bad_action" | "bad_target" | "not_json"."""


# Built once and run on the transaction's connection: every status report writes an entry, and the
# ORM's add and flush cost as much as the rest of the report's statements (bench/telegram.py).
# The audit log has no foreign keys, so it needs nothing the session may still have to flush.
_INSERT = insert(AuditEntry.__table__)


def record(
    db: Db,
    action: str,
    *,
    now: dt.datetime,
    actor_id: int | None = None,
    target: str | None = None,
    **detail: Any,
) -> None:
    """Add an audit entry, e.g. ``record(s, "contact.approve", now=now, actor_id=1, target="7")``.

    `action` is a short dotted code; `actor_id` None means the command line; `detail` must be
    JSON-serialisable and holds no message content.
    """
    if not action or len(action) > _MAX_ACTION:
        raise AuditError("bad_action", action=action)
    if target is not None and len(target) > _MAX_TARGET:
        raise AuditError("bad_target")
    try:
        json.dumps(detail, allow_nan=False)
    except (TypeError, ValueError):
        raise AuditError("not_json") from None
    connection_of(db).execute(_INSERT, {"at": now, "actor_id": actor_id, "action": action, "target": target,
                                 "detail": detail})
