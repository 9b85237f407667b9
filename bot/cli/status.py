"""Status commands of `python -m bot`: `status submit`, `status overview` and `export`.

`bot.cli` wires them in with `add_commands(subparsers)` and `run_command(args, kb_loader, stdout)`.
The command line is trusted (actor None: the standing office entering a report taken by phone)
but goes through the same service, checks and leak guard as the chat. Exit codes: 0 done; 1 the
service refused the status (the reason in Vietnamese on stderr, its code in the JSON); 2 bad
input (unknown plan, unit or item, unwritable output path, bad DATABASE_URL), nothing changed;
3 the database cannot be used (locked past the wait, damaged, full, unreachable), one line saying
why (`bot.cli.common`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from rapidfuzz import fuzz, process
from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from bot import exports
from bot.cli.common import (
    DatabaseUnavailable,
    UsageError,
    open_database,
    read_settings,
    report_database_fault,
)
from bot.clock import local_today
from bot.db.engine import make_session_factory
from bot.db.models import UnitRecord
from bot.messages import STATE_LABELS
from bot.services import audit, statuses, units
from knowledge.loader import KnowledgeBase
from knowledge.units import UnknownUnit
from scheduler.items import find_item, plan_items, signed_dates

__all__ = ["COMMANDS", "add_commands", "run_command"]

COMMANDS = frozenset({"status", "export"})
FORMATS = ("xlsx", "csv")
MAX_NAMES = 30  # unit names listed per item in the plain-text overview
BAR_WIDTH = 20

# --- Vietnamese text of these commands, in one place for review ------------------------------

HELP_STATUS = "trạng thái thực hiện của các đơn vị"
HELP_SUBMIT = "ghi nhận trạng thái của một đơn vị (ví dụ báo cáo qua điện thoại)"
HELP_OVERVIEW = "tổng hợp theo từng hạn: đơn vị hoàn thành, đang làm, vướng mắc, chưa báo cáo"
HELP_EXPORT = "xuất bảng trạng thái (XLSX hoặc CSV) cho cơ quan thường trực"
HELP_PLAN = "slug kế hoạch (lang-son, lao-cai, …)"
HELP_UNIT = "tên đơn vị (có dấu hoặc không, tên viết tắt đều được)"
HELP_ITEM = "mã hạn hoặc nhiệm vụ; hạn hằng năm: mã@NĂM, hoặc chỉ mã cho kỳ hiện tại"
HELP_ITEM_OVERVIEW = "chỉ hạn này (mã hạn, hoặc mã@NĂM)"
HELP_STATE = "chua_thuc_hien | dang_thuc_hien | hoan_thanh | vuong_mac (tiếng Việt cũng được)"
HELP_NOTE = f"ghi chú ngắn về tiến độ (tối đa {statuses.NOTE_MAX} ký tự; không ghi nội dung mật)"
HELP_JSON = "in JSON"
HELP_FORMAT = "định dạng tệp: xlsx hoặc csv"
HELP_OUT = "đường dẫn tệp xuất"

UNKNOWN_PLAN = "Lỗi: không có kế hoạch {plan!r}. Các kế hoạch: {plans}."
UNKNOWN_UNIT = "Lỗi: không tìm thấy đơn vị {unit!r}. Gần giống: {close}."
UNIT_IS_GROUP = ("Lỗi: {unit!r} là tên một nhóm đơn vị, không phải một đơn vị cụ thể. "
                 "Hãy nhập tên đầy đủ, ví dụ \"Sở Y tế\".")
UNIT_NOT_ADDED = ("Lỗi: đơn vị {unit!r} chưa có trong danh mục (gần giống: {close}). Nếu đúng tên, "
                  "thêm trước bằng lệnh: python -m bot units add {quoted} --plan {plan}")
UNKNOWN_ITEM = "Lỗi: kế hoạch {plan} không có hạn hay nhiệm vụ {item!r}. Các hạn: {items}."
BAD_OUT = "Lỗi: không ghi được tệp {path}: {error}"
OUT_IS_DIR = "là một thư mục"
NO_DIR = "thư mục không tồn tại"
NOT_WRITABLE = "không có quyền ghi"
REFUSED = "Từ chối: {reason}"
REASONS = {
    "not_allowed": "không có quyền báo cáo cho đơn vị này.",
    "unknown_item": "kế hoạch không có mục (hạn, nhiệm vụ) này.",
    "not_responsible": "đơn vị không được giao mục này trong kế hoạch.",
    "unknown_state": "trạng thái không hợp lệ; dùng chua_thuc_hien, dang_thuc_hien, hoan_thanh "
                     "hoặc vuong_mac.",
    "note_too_long": f"ghi chú dài quá {statuses.NOTE_MAX} ký tự.",
    "marking": "ghi chú có dấu chỉ độ mật (MẬT, TỐI MẬT, TUYỆT MẬT, \"Độ mật:\"…) nên không được "
               "lưu. Không đưa nội dung bí mật nhà nước vào hệ thống này; ghi chú chỉ nói về tiến độ.",
    "unknown_unit": "đơn vị không thuộc kế hoạch này.",
}
ACCEPTED = ("Đã ghi nhận: {unit} — {title} ({item}): {state}.\n"
            "Số biên nhận: {receipt} (lần báo cáo thứ {version}).")
NO_DEADLINES = "Kế hoạch {plan} không có hạn nào, và chưa có báo cáo nào về nhiệm vụ, để tổng hợp."
OVERVIEW_ITEM = "{due} · {title} [{item}]"
OVERVIEW_BAR = "  {bar} {percent:3.0f}% hoàn thành ({done}/{total} đơn vị)"
OVERVIEW_COUNTS = ("  hoàn thành {done} · đang thực hiện {doing} · vướng mắc {blocked} · "
                   "chưa báo cáo {missing}")
OVERVIEW_LIST = "  {label}: {names}"
OVERVIEW_MORE = " … và {count} đơn vị khác"
LABEL_BLOCKED = "Vướng mắc"
LABEL_MISSING = "Chưa báo cáo"
EXPORTED = "Đã xuất {rows} dòng ({fmt}) ra {path}."


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `status submit|overview` and `export` to the `python -m bot` parser."""
    status = subparsers.add_parser("status", help=HELP_STATUS)
    status_sub = status.add_subparsers(dest="status_command", metavar="SUBCOMMAND", required=True)
    submit = status_sub.add_parser("submit", help=HELP_SUBMIT)
    submit.add_argument("--plan", required=True, help=HELP_PLAN)
    submit.add_argument("--unit", required=True, help=HELP_UNIT)
    submit.add_argument("--item", required=True, help=HELP_ITEM)
    submit.add_argument("--state", required=True, help=HELP_STATE)
    submit.add_argument("--note", default=None, help=HELP_NOTE)
    submit.add_argument("--json", action="store_true", help=HELP_JSON)
    over = status_sub.add_parser("overview", help=HELP_OVERVIEW)
    over.add_argument("--plan", required=True, help=HELP_PLAN)
    over.add_argument("--item", default=None, help=HELP_ITEM_OVERVIEW)
    over.add_argument("--json", action="store_true", help=HELP_JSON)

    export = subparsers.add_parser("export", help=HELP_EXPORT)
    export.add_argument("--plan", required=True, help=HELP_PLAN)
    export.add_argument("--format", required=True, choices=FORMATS, help=HELP_FORMAT)
    export.add_argument("--out", required=True, type=Path, help=HELP_OUT)


def run_command(args: argparse.Namespace, kb_loader: Callable[[], KnowledgeBase],
                stdout: TextIO) -> int | None:
    """Run one of these commands and return its exit code; None if `args.command` is not ours."""
    if args.command not in COMMANDS:
        return None
    kb = kb_loader()
    today = getattr(args, "today", None) or local_today()
    try:
        _check_plan(kb, args.plan)
        if args.command == "export":
            _check_out(args.out)
        elif args.status_command == "overview" and args.item is not None:
            _check_item(kb, args.plan, args.item, today)
        settings = read_settings(kb)
        with open_database(settings, kb) as engine:
            if args.command == "export":
                return _export(engine, kb, args, today, stdout, tz=settings.tz)
            if args.status_command == "submit":
                return _submit(engine, kb, args, today, stdout, tz=settings.tz)
            return _overview(engine, kb, args, today, stdout)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    except DatabaseUnavailable as fault:
        return report_database_fault(fault)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _check_plan(kb: KnowledgeBase, plan: str) -> None:
    if plan not in kb.plans:
        raise UsageError(UNKNOWN_PLAN.format(plan=plan, plans=", ".join(kb.plans)))


def _check_item(kb: KnowledgeBase, plan: str, key: str, today: dt.date) -> None:
    if find_item(kb, plan, key, today, signed_dates(kb)) is None:
        known = [i.key for i in plan_items(kb, plan, today, signed_dates(kb)) if i.kind == "deadline"]
        raise UsageError(UNKNOWN_ITEM.format(plan=plan, item=key, items=", ".join(known) or "—"))


def _check_out(path: Path) -> None:
    if path.is_dir():
        raise UsageError(BAD_OUT.format(path=path, error=OUT_IS_DIR))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(BAD_OUT.format(path=path, error=NO_DIR))
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(BAD_OUT.format(path=path, error=NOT_WRITABLE))


def _resolve_unit(session: Session, kb: KnowledgeBase, plan: str, name: str) -> UnitRecord:
    """The unit record for a typed name: a record with the same key (for the plan or any plan),
    else a KB unit (aliases, abbreviations, typos); unknown → `UsageError` with close names."""
    registry = kb.registry
    cleaned = units.clean_name(name)
    key = registry.key(cleaned)
    in_plan = or_(UnitRecord.plan.is_(None), UnitRecord.plan == plan)
    if key:
        record = session.scalars(
            select(UnitRecord).where(UnitRecord.key == key, in_plan)
            .order_by(UnitRecord.plan.is_not(None), UnitRecord.id).limit(1)).first()
        if record is not None:
            return record
    try:
        resolved = registry.resolve(cleaned)
    except UnknownUnit as exc:
        raise UsageError(UNKNOWN_UNIT.format(unit=name, close=", ".join(
            _close_names(session, kb, plan, key, exc.suggestions)) or "—")) from None
    if resolved.id is None:  # classifies ("Sở …", "UBND xã …") but was never added
        close = _close_names(session, kb, plan, key, registry.suggest(cleaned))
        raise UsageError(UNIT_NOT_ADDED.format(unit=name, close=", ".join(close) or "—", plan=plan,
                                           quoted=json.dumps(cleaned, ensure_ascii=False)))
    if resolved.id not in registry.units:
        raise UsageError(UNIT_IS_GROUP.format(unit=name))
    record = session.scalars(select(UnitRecord).where(
        UnitRecord.kb_id == resolved.id, UnitRecord.plan.is_(None)).limit(1)).first()
    assert record is not None, "sync_kb_units adds a record for every KB unit"
    return record


def _close_names(session: Session, kb: KnowledgeBase, plan: str, key: str,
                 registry_names: list[str]) -> list[str]:
    names = list(registry_names)
    records = {r.key: r.name for r in units.units_for_plan(session, plan, units.plan_kb_ids(kb, plan))}
    if key and records:
        for match, _score, _ in process.extract(key, list(records), scorer=fuzz.WRatio, limit=3,
                                                score_cutoff=70):
            if records[match] not in names:
                names.append(records[match])
    return names[:5]


def _submit(engine: Engine, kb: KnowledgeBase, args: argparse.Namespace, today: dt.date,
            stdout: TextIO, *, tz: dt.tzinfo) -> int:
    now = _now()
    with make_session_factory(engine).begin() as session:
        units.sync_kb_units(session, kb.registry, now)
        unit = _resolve_unit(session, kb, args.plan, args.unit)
        unit_name = unit.name
        try:
            record = statuses.submit_status(
                session, kb, plan=args.plan, unit_id=unit.id, item_key=args.item, state=args.state,
                note=args.note, actor_id=None, admin=False, now=now, via="cli", today=today,
                tz=tz)
        except statuses.StatusRefused as exc:
            refusal: str | None = exc.reason  # the audit entry commits with this transaction
        else:
            refusal = None
            receipt, version, item_key, state = record.receipt, record.version, record.item, record.state
    if refusal is not None:
        print(REFUSED.format(reason=REASONS.get(refusal, refusal)), file=sys.stderr)
        if args.json:
            print(json.dumps({"accepted": False, "receipt": None, "reason": refusal}), file=stdout)
        return 1
    item = find_item(kb, args.plan, item_key, today, signed_dates(kb))
    title = item.title if item is not None else item_key
    if args.json:
        print(json.dumps({"accepted": True, "receipt": receipt, "reason": None, "version": version,
                          "item": item_key, "unit": unit_name, "state": state}, ensure_ascii=False),
              file=stdout)
    else:
        print(ACCEPTED.format(unit=unit_name, title=title, item=item_key,
                              state=STATE_LABELS[state], receipt=receipt, version=version),
              file=stdout)
    return 0


def overview_json(row: statuses.ItemOverview) -> dict:
    """The SPEC's `status overview --json` object for one item (plus a few extra keys); a duty
    without a deadline that a unit has reported on (`kind` "duty") has `due` null."""
    item = row.item
    return {
        "item": item.key,
        "kind": item.kind,
        "title": item.title,
        "due": item.due.isoformat() if item.due else None,
        "done": row.done,
        "in_progress": row.in_progress,
        "blocked": row.blocked,
        "not_reported": row.not_reported,
        "not_started": row.not_started,
        "deadline_id": item.entry.id,
        "year": item.year,
        "total": row.total,
        "percent_done": round(row.percent_done, 1),
    }


def _names(names: list[str]) -> str:
    text = ", ".join(names[:MAX_NAMES])
    if len(names) > MAX_NAMES:
        text += OVERVIEW_MORE.format(count=len(names) - MAX_NAMES)
    return text


def _overview(engine: Engine, kb: KnowledgeBase, args: argparse.Namespace, today: dt.date,
              stdout: TextIO) -> int:
    with make_session_factory(engine).begin() as session:
        units.sync_kb_units(session, kb.registry, _now())
        rows = statuses.overview(session, kb, args.plan, today, item_key=args.item, duties=True)
    if args.json:
        # SPEC's rows carry a due date: reported duties without one are listed only when asked
        # for by id (`--item`), and then with `due` null.
        listed = [row for row in rows if row.item.due is not None or args.item]
        print(json.dumps([overview_json(row) for row in listed], ensure_ascii=False), file=stdout)
        return 0
    if not rows:
        print(NO_DEADLINES.format(plan=args.plan), file=stdout)
    for row in rows:
        total = row.total
        filled = round(BAR_WIDTH * len(row.done) / total) if total else 0
        due = f"{row.item.due:%d/%m/%Y}" if row.item.due else "—"
        print(OVERVIEW_ITEM.format(due=due, title=row.item.title, item=row.item.key), file=stdout)
        print(OVERVIEW_BAR.format(bar="▓" * filled + "░" * (BAR_WIDTH - filled),
                                  percent=row.percent_done, done=len(row.done), total=total), file=stdout)
        print(OVERVIEW_COUNTS.format(done=len(row.done), doing=len(row.in_progress),
                                     blocked=len(row.blocked), missing=len(row.not_reported)), file=stdout)
        for label, names in ((LABEL_BLOCKED, row.blocked), (LABEL_MISSING, row.not_reported)):
            if names:
                print(OVERVIEW_LIST.format(label=label, names=_names(names)), file=stdout)
    return 0


def _export(engine: Engine, kb: KnowledgeBase, args: argparse.Namespace, today: dt.date,
            stdout: TextIO, *, tz: dt.tzinfo) -> int:
    factory = make_session_factory(engine)
    with factory.begin() as session:
        units.sync_kb_units(session, kb.registry, _now())
        rows = statuses.status_rows(session, kb, args.plan, today)
        history = statuses.history_rows(session, kb, args.plan, today) if args.format == "xlsx" else []
    # The file is written outside any transaction: the database stays free for the bot meanwhile.
    try:
        if args.format == "xlsx":
            exports.write_xlsx(rows, history, args.out, tz=tz)
        else:
            exports.write_csv(rows, args.out, tz=tz)
    except OSError as exc:
        raise UsageError(BAD_OUT.format(path=args.out, error=exc.strerror or exc)) from None
    with factory.begin() as session:
        audit.record(session, "status_exported", now=_now(), plan=args.plan, rows=len(rows),
                     format=args.format, via="cli")
    print(EXPORTED.format(rows=len(rows), fmt=args.format.upper(), path=args.out), file=stdout)
    return 0
