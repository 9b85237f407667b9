"""Database commands of `python -m bot`: `db upgrade`, `admin add|remove|list`,
`units add|import|list|remove|rename`.

`bot.cli` wires them in with `add_commands(subparsers)` and `run_command(args, kb_loader, stdout)`.
Input is checked before the database is opened; a command that fails midway rolls back its one
transaction, so bad input exits 2 and changes nothing. Every change leaves an audit entry with
actor None (the command line).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import leak_guard
from bot.cli.common import (
    DatabaseUnavailable,
    UsageError,
    open_database,
    read_settings,
    report_database_fault,
)
from bot.db.engine import make_session_factory
from bot.db.models import UnitRecord, User
from bot.services import audit, units, users
from knowledge.loader import KnowledgeBase

__all__ = ["COMMANDS", "add_commands", "run_command"]

COMMANDS = frozenset({"db", "admin", "units"})
_MAX_USER_ID = 2**63 - 1
MAX_LINES_LISTED = 20  # line numbers listed per refusal reason by `units import`

# --- Vietnamese text of these commands, in one place for review ------------------------------

HELP_DB = "quản lý cơ sở dữ liệu"
HELP_DB_UPGRADE = "tạo hoặc nâng cấp cơ sở dữ liệu lên phiên bản mới nhất"
HELP_ADMIN = "quản lý quản trị viên (theo id người dùng Telegram)"
HELP_ADMIN_ADD = "cấp quyền quản trị cho một người dùng"
HELP_ADMIN_REMOVE = "thu hồi quyền quản trị đã cấp bằng lệnh"
HELP_ADMIN_LIST = "liệt kê quản trị viên (cơ sở dữ liệu và ADMIN_IDS)"
HELP_USER_ID = "id người dùng Telegram (số nguyên dương)"
HELP_UNITS = "quản lý danh mục đơn vị"
HELP_UNITS_ADD = "thêm một đơn vị (ví dụ một xã, phường)"
HELP_UNITS_IMPORT = "nhập đơn vị từ tệp CSV UTF-8 (cột name[,plan])"
HELP_UNITS_LIST = "liệt kê đơn vị"
HELP_UNITS_REMOVE = "xóa một đơn vị khỏi danh mục (giữ lịch sử báo cáo)"
HELP_UNITS_RENAME = "đổi tên một đơn vị (giữ báo cáo, đầu mối, liên kết mời)"
HELP_OLD_NAME = "tên hiện tại của đơn vị"
HELP_NEW_NAME = "tên mới"
HELP_GROUP = "nhóm của đơn vị, ví dụ \"UBND các xã, phường\" (mặc định: theo tên, nếu tên cho biết)"
HELP_FORCE = "thêm cả khi tên gần giống một đơn vị đã có (hai đơn vị thực sự khác nhau)"
HELP_NAME = "tên đơn vị, ví dụ \"UBND phường Đông Kinh\""
HELP_CSV = "tệp CSV: dòng tiêu đề name,plan (hoặc một cột tên, không tiêu đề)"
HELP_PLAN = "slug kế hoạch (lang-son, lao-cai, …); bỏ trống: dùng cho mọi kế hoạch"
HELP_PLAN_LIST = "chỉ các đơn vị của kế hoạch này"

BAD_USER_ID = "Lỗi: {value!r} không phải id người dùng Telegram (số nguyên dương)."
UNKNOWN_PLAN = "Lỗi: không có kế hoạch {plan!r}. Các kế hoạch: {plans}."
CSV_UNREADABLE = "Lỗi: không đọc được tệp {path}: {error}"
CSV_NOT_UTF8 = "Lỗi: tệp {path} không phải văn bản UTF-8. Hãy lưu lại dưới dạng \"CSV UTF-8\"."
UPGRADED = "Cơ sở dữ liệu đã ở phiên bản mới nhất: {url}"
KB_UNITS_ADDED = "Đã thêm {count} đơn vị từ cơ sở tri thức."
ADMIN_ADDED = "Đã cấp quyền quản trị cho {user_id}."
ADMIN_ALREADY = "{user_id} đã là quản trị viên; không thay đổi gì."
ADMIN_PLACEHOLDER = "Người này chưa nhắn tin cho bot; quyền có hiệu lực khi họ bấm /start."
ADMIN_REMOVED = "Đã thu hồi quyền quản trị của {user_id}."
ADMIN_NOT_ADMIN = "{user_id} không phải quản trị viên được cấp bằng lệnh; không thay đổi gì."
ADMIN_STILL_CONFIGURED = "Lưu ý: {user_id} vẫn là quản trị viên vì có trong ADMIN_IDS."
ADMINS_NONE = "Chưa có quản trị viên nào."
FROM_DB = "cấp bằng lệnh"
FROM_CONFIG = "ADMIN_IDS"
NOT_STARTED = "(chưa nhắn tin cho bot)"
UNIT_ADDED = "Đã thêm đơn vị {name!r} (id {id}, {plan})."
UNIT_EXISTS = "Đơn vị {name!r} đã có (id {id}, {plan}); không thay đổi gì."
UNIT_INVALID = "Lỗi: tên đơn vị {name!r} không hợp lệ: cần có chữ cái, tối đa {max} ký tự."
UNIT_GROUP = ("Lỗi: {name!r} là tên một nhóm đơn vị, không phải một đơn vị cụ thể. "
              "Hãy nhập tên đầy đủ, ví dụ \"UBND phường Đông Kinh\".")
UNIT_UNKNOWN = "Lỗi: không nhận ra đơn vị {name!r}. Gần giống: {close}."
UNIT_NEAR = ("Lỗi: {name!r} gần giống đơn vị đã có {existing!r} (id {id}, {plan}); không thay đổi "
             "gì. Nếu đó là cùng đơn vị, hãy dùng tên đã có; nếu thực sự là đơn vị khác, thêm --force.")
UNIT_TAKEN = "Lỗi: đã có đơn vị {existing!r} (id {id}, {plan}); không thay đổi gì."
UNIT_BAD_GROUP = "Lỗi: không có nhóm {group!r}. Các nhóm: {groups}."
UNIT_NO_GROUP = ("Lưu ý: {name!r} không thuộc nhóm nào nên không có mặt trong /tonghop và bảng xuất; "
                 "thêm --group để chọn nhóm.")
UNIT_RESTORED = "Đã khôi phục đơn vị {name!r} (id {id}, {plan}) cùng lịch sử báo cáo."
UNIT_NOT_REGISTERED = "Lỗi: không có đơn vị {name!r} trong danh mục{plan}. Gần giống: {close}."
UNIT_AMBIGUOUS = "Lỗi: có nhiều đơn vị {name!r}: {close}. Hãy thêm --plan."
UNIT_ALREADY_REMOVED = "Lỗi: đơn vị {name!r} đã bị xóa trước đó; không thay đổi gì."
UNIT_IN_KB = ("Lỗi: {name!r} là đơn vị của cơ sở tri thức; đổi tên hoặc bỏ nó trong "
              "knowledge/content/units.md rồi chạy kb check.")
UNIT_REMOVED = ("Đã xóa đơn vị {name!r} (id {id}, {plan}) khỏi danh mục; {count} đầu mối thôi đăng ký. "
                "Báo cáo cũ và nhật ký được giữ.")
UNIT_RENAMED = "Đã đổi tên {old!r} thành {name!r} (id {id}, {plan}); báo cáo và đầu mối được giữ."
IN_PLAN = " của kế hoạch {plan}"
RETIRED = "đã xóa {day:%d/%m/%Y}"
UNIT_MARKED = ("Từ chối: tên đơn vị có dấu chỉ độ mật (MẬT, TỐI MẬT, TUYỆT MẬT, \"Độ mật:\"…) nên "
               "không được lưu. Không đưa nội dung bí mật nhà nước vào hệ thống này.")
ANY_PLAN = "mọi kế hoạch"
PLAN_LABEL = "kế hoạch {plan}"
IMPORT_SUMMARY = ("Nhập {path}: đã thêm {added} đơn vị; đã có sẵn {existing} (không thay đổi); "
                  "từ chối {refused} dòng.")
IMPORT_REFUSED = "Các dòng bị từ chối (sửa rồi nhập lại; các dòng khác không bị ảnh hưởng):"
IMPORT_REFUSED_LINES = "  {reason}: dòng {lines}"
IMPORT_MORE_LINES = " … và {count} dòng khác"
IMPORT_REASONS = {
    "invalid": f"tên đơn vị không hợp lệ (trống, quá {units.MAX_NAME} ký tự hoặc không có chữ cái)",
    "group": "là tên một nhóm đơn vị, không phải một đơn vị cụ thể",
    "unknown": "không nhận ra đơn vị",
    "unknown_plan": "không có kế hoạch này",
    "columns": "thừa cột (chỉ dùng cột name và plan)",
    "marking": "có dấu chỉ độ mật (MẬT, TỐI MẬT, TUYỆT MẬT, \"Độ mật:\"…) nên không được nhập",
    "retired": "đơn vị đã bị xóa khỏi danh mục (khôi phục: units add)",
}
UNITS_NONE = "Chưa có đơn vị nào."
SOURCES = {"kb": "cơ sở tri thức", "admin": "quản trị viên", "csv": "tệp CSV",
           "request": "đề nghị của đầu mối"}


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `db`, `admin` and `units` to the `python -m bot` parser."""
    db = subparsers.add_parser("db", help=HELP_DB)
    db_sub = db.add_subparsers(dest="db_command", metavar="SUBCOMMAND", required=True)
    db_sub.add_parser("upgrade", help=HELP_DB_UPGRADE)

    admin = subparsers.add_parser("admin", help=HELP_ADMIN)
    admin_sub = admin.add_subparsers(dest="admin_command", metavar="SUBCOMMAND", required=True)
    for name, text in (("add", HELP_ADMIN_ADD), ("remove", HELP_ADMIN_REMOVE)):
        admin_sub.add_parser(name, help=text).add_argument("user_id", metavar="USER_ID",
                                                           help=HELP_USER_ID)
    admin_sub.add_parser("list", help=HELP_ADMIN_LIST)

    unit = subparsers.add_parser("units", help=HELP_UNITS)
    unit_sub = unit.add_subparsers(dest="units_command", metavar="SUBCOMMAND", required=True)
    add = unit_sub.add_parser("add", help=HELP_UNITS_ADD)
    add.add_argument("name", metavar="NAME", help=HELP_NAME)
    add.add_argument("--plan", help=HELP_PLAN)
    add.add_argument("--group", help=HELP_GROUP)
    add.add_argument("--force", action="store_true", help=HELP_FORCE)
    imp = unit_sub.add_parser("import", help=HELP_UNITS_IMPORT)
    imp.add_argument("csv_file", metavar="CSV_FILE", type=Path, help=HELP_CSV)
    imp.add_argument("--plan", help=HELP_PLAN)
    lst = unit_sub.add_parser("list", help=HELP_UNITS_LIST)
    lst.add_argument("--plan", help=HELP_PLAN_LIST)
    rem = unit_sub.add_parser("remove", help=HELP_UNITS_REMOVE)
    rem.add_argument("name", metavar="NAME", help=HELP_NAME)
    rem.add_argument("--plan", help=HELP_PLAN_LIST)
    ren = unit_sub.add_parser("rename", help=HELP_UNITS_RENAME)
    ren.add_argument("old", metavar="OLD", help=HELP_OLD_NAME)
    ren.add_argument("new", metavar="NEW", help=HELP_NEW_NAME)
    ren.add_argument("--plan", help=HELP_PLAN_LIST)


def run_command(args: argparse.Namespace, kb_loader: Callable[[], KnowledgeBase],
                stdout: TextIO) -> int | None:
    """Run one of these commands and return its exit code; None if `args.command` is not ours."""
    if args.command not in COMMANDS:
        return None
    try:
        return _run(args, kb_loader(), stdout)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    except DatabaseUnavailable as fault:
        return report_database_fault(fault)


_Action = Callable[[Session, dt.datetime], int]


def _run(args: argparse.Namespace, kb: KnowledgeBase, stdout: TextIO) -> int:
    settings = read_settings(kb)
    # All input checks happen here, before the database.
    action = _prepare(args, kb, settings.admin_ids, stdout)
    # `db upgrade` migrates whatever the state and counts the KB units it adds itself (below);
    # the other commands migrate only a new database, adding the KB units under the same lock.
    upgrade = args.command == "db"
    with open_database(settings, None if upgrade else kb, migrate=upgrade) as engine:
        now = dt.datetime.now(dt.UTC)
        with make_session_factory(engine).begin() as session:
            added = units.sync_kb_units(session, kb.registry, now)
            if args.command == "db":
                print(UPGRADED.format(url=engine.url.render_as_string(hide_password=True)),
                      file=stdout)
                if added:
                    print(KB_UNITS_ADDED.format(count=added), file=stdout)
            return action(session, now)


def _prepare(args: argparse.Namespace, kb: KnowledgeBase, configured: frozenset[int],
             stdout: TextIO) -> _Action:
    if args.command == "db":
        return lambda _session, _now: 0
    if args.command == "admin":
        if args.admin_command == "list":
            return lambda session, _now: _admin_list(session, configured, stdout)
        user_id = _user_id(args.user_id)
        if args.admin_command == "add":
            return lambda session, now: _admin_add(session, user_id, now, stdout)
        return lambda session, now: _admin_remove(session, user_id, configured, now, stdout)
    plan = _plan(kb, args.plan)
    if args.units_command == "add":
        group = _group(kb, args.group)
        return lambda session, now: _units_add(session, kb, args.name, plan, now, stdout,
                                               group=group, force=args.force)
    if args.units_command == "remove":
        return lambda session, now: _units_remove(session, kb, args.name, plan, now, stdout)
    if args.units_command == "rename":
        return lambda session, now: _units_rename(session, kb, args.old, args.new, plan, now,
                                                  stdout)
    if args.units_command == "import":
        text = _read_csv(args.csv_file)
        return lambda session, now: _units_import(session, kb, args.csv_file, text, plan, now, stdout)
    return lambda session, _now: _units_list(session, kb, plan, stdout)


def _user_id(value: str) -> int:
    text = value.strip()
    if not text.isascii() or not text.isdigit() or not 0 < int(text) <= _MAX_USER_ID:
        raise UsageError(BAD_USER_ID.format(value=value))
    return int(text)


def _plan(kb: KnowledgeBase, plan: str | None) -> str | None:
    if plan is not None and plan not in kb.plans:
        raise UsageError(UNKNOWN_PLAN.format(plan=plan, plans=", ".join(kb.plans)))
    return plan


def _group(kb: KnowledgeBase, group: str | None) -> str | None:
    """A group of the registry, by id, name or alias; None when not given."""
    if group is None:
        return None
    registry = kb.registry
    found = group if group in registry.groups else registry.exact(group)
    if found not in registry.groups:
        raise UsageError(UNIT_BAD_GROUP.format(
            group=group, groups=", ".join(repr(g.name) for g in registry.groups.values())))
    return found


def _read_csv(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(CSV_UNREADABLE.format(path=path, error=exc.strerror or exc)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(CSV_NOT_UTF8.format(path=path)) from None


def _admin_add(session: Session, user_id: int, now: dt.datetime, stdout: TextIO) -> int:
    user = users.get_user(session, user_id)
    if user is not None and user.role == "admin":
        print(ADMIN_ALREADY.format(user_id=user_id), file=stdout)
        return 0
    users.set_role(session, user_id, "admin", now)
    audit.record(session, "admin.add", now=now, target=str(user_id), via="cli")
    print(ADMIN_ADDED.format(user_id=user_id), file=stdout)
    if user is None:
        print(ADMIN_PLACEHOLDER, file=stdout)
    return 0


def _admin_remove(session: Session, user_id: int, configured: frozenset[int], now: dt.datetime,
                  stdout: TextIO) -> int:
    user = users.get_user(session, user_id)
    if user is None or user.role != "admin":
        print(ADMIN_NOT_ADMIN.format(user_id=user_id), file=stdout)
    else:
        users.set_role(session, user_id, "user", now)
        audit.record(session, "admin.remove", now=now, target=str(user_id), via="cli")
        print(ADMIN_REMOVED.format(user_id=user_id), file=stdout)
    if user_id in configured:
        print(ADMIN_STILL_CONFIGURED.format(user_id=user_id), file=stdout)
    return 0


def _admin_list(session: Session, configured: frozenset[int], stdout: TextIO) -> int:
    """The admins of the database and of ADMIN_IDS (`configured`)."""
    rows = {u.id: u for u in session.scalars(select(User).where(User.role == "admin"))}
    ids = sorted(set(rows) | configured)
    if not ids:
        print(ADMINS_NONE, file=stdout)
    for user_id in ids:
        user = rows.get(user_id) or users.get_user(session, user_id)
        how = ", ".join(label for label, yes in (
            (FROM_DB, user_id in rows), (FROM_CONFIG, user_id in configured)) if yes)
        if user is None or user.last_seen_at is None:
            who = NOT_STARTED
        else:
            who = " ".join(filter(None, (user.first_name, f"@{user.username}" if user.username else "")))
        print(f"{user_id}\t{who}\t[{how}]", file=stdout)
    return 0


def _plan_label(plan: str | None) -> str:
    return PLAN_LABEL.format(plan=plan) if plan else ANY_PLAN


def _units_add(session: Session, kb: KnowledgeBase, name: str, plan: str | None,
               now: dt.datetime, stdout: TextIO, *, group: str | None = None,
               force: bool = False) -> int:
    retired = None
    try:
        retired = units.retired_named(session, name, plan, kb.registry)
        record, added = units.add_unit(session, name, plan, kb.registry, "admin", None, now,
                                       allow_unclassified=True, day=kb.plan_date(plan),
                                       group_id=group, restore=True, refuse_similar=not force)
    except units.DuplicateUnit as exc:
        existing = exc.existing
        raise UsageError(UNIT_NEAR.format(name=name, existing=existing.name, id=existing.id,
                                      plan=_plan_label(existing.plan))) from None
    except units.UnitNotFound as exc:
        if exc.reason == "invalid":
            raise UsageError(UNIT_INVALID.format(name=name, max=units.MAX_NAME)) from None
        if exc.reason == "group":
            raise UsageError(UNIT_GROUP.format(name=name)) from None
        raise UsageError(UNIT_UNKNOWN.format(name=name, close=", ".join(exc.suggestions) or "—")) from None
    except leak_guard.MarkedText as exc:  # refused, not a usage error: exit 1, the name not echoed
        audit.record(session, "refused_marking", now=now, via="cli", rule=exc.marking.kind,
                     command="units add")
        print(UNIT_MARKED, file=sys.stderr)
        return 1
    label = _plan_label(record.plan)
    if not added:
        print(UNIT_EXISTS.format(name=record.name, id=record.id, plan=label), file=stdout)
        return 0
    if retired is not None and retired.id == record.id:
        audit.record(session, "unit.restore", now=now, target=str(record.id), via="cli",
                     name=record.name, plan=record.plan)
        print(UNIT_RESTORED.format(name=record.name, id=record.id, plan=label), file=stdout)
        return 0
    grouped: dict[str, Any] = {"group": record.group_id} if record.group_id else {}
    audit.record(session, "unit.add", now=now, target=str(record.id), via="cli",
                 name=record.name, plan=record.plan, **grouped)
    print(UNIT_ADDED.format(name=record.name, id=record.id, plan=label), file=stdout)
    if not units.memberships(record, kb.registry):
        print(UNIT_NO_GROUP.format(name=record.name), file=stdout)
    return 0


def _registered(session: Session, kb: KnowledgeBase, name: str, plan: str | None) -> UnitRecord:
    """The registered unit an admin names, or a usage error saying why not."""
    try:
        record = units.find_unit(session, name, plan, kb.registry)
        units.check_changeable(record)
    except units.UnitNotFound as exc:
        if exc.reason == "invalid":
            raise UsageError(UNIT_INVALID.format(name=name, max=units.MAX_NAME)) from None
        if exc.reason == "retired":
            raise UsageError(UNIT_ALREADY_REMOVED.format(name=name)) from None
        close = ", ".join(exc.suggestions) or "—"
        if exc.reason == "ambiguous":
            raise UsageError(UNIT_AMBIGUOUS.format(name=name, close=close)) from None
        raise UsageError(UNIT_NOT_REGISTERED.format(
            name=name, plan=IN_PLAN.format(plan=plan) if plan else "", close=close)) from None
    except units.UnitChangeRefused as exc:
        if exc.reason == "retired":
            raise UsageError(UNIT_ALREADY_REMOVED.format(name=name)) from None
        raise UsageError(UNIT_IN_KB.format(name=name)) from None
    return record


def _units_remove(session: Session, kb: KnowledgeBase, name: str, plan: str | None,
                  now: dt.datetime, stdout: TextIO) -> int:
    record = _registered(session, kb, name, plan)
    told = units.retire_unit(session, record, None, now)
    audit.record(session, "unit.remove", now=now, target=str(record.id), via="cli",
                 name=record.name, plan=record.plan, contacts=len(told))
    print(UNIT_REMOVED.format(name=record.name, id=record.id, plan=_plan_label(record.plan),
                              count=len(told)), file=stdout)
    return 0


def _units_rename(session: Session, kb: KnowledgeBase, old: str, new: str, plan: str | None,
                  now: dt.datetime, stdout: TextIO) -> int:
    record = _registered(session, kb, old, plan)
    try:
        previous = units.rename_unit(session, record, new, kb.registry, now)
    except units.DuplicateUnit as exc:
        existing = exc.existing
        template = UNIT_NEAR if exc.near else UNIT_TAKEN
        raise UsageError(template.format(name=new, existing=existing.name, id=existing.id,
                                     plan=_plan_label(existing.plan))) from None
    except units.UnitNotFound as exc:
        if exc.reason == "group":
            raise UsageError(UNIT_GROUP.format(name=new)) from None
        raise UsageError(UNIT_INVALID.format(name=new, max=units.MAX_NAME)) from None
    except leak_guard.MarkedText as exc:  # refused, not a usage error: exit 1, the name not echoed
        audit.record(session, "refused_marking", now=now, via="cli", rule=exc.marking.kind,
                     command="units rename")
        print(UNIT_MARKED, file=sys.stderr)
        return 1
    audit.record(session, "unit.rename", now=now, target=str(record.id), via="cli",
                 old=previous, new=record.name)
    print(UNIT_RENAMED.format(old=previous, name=record.name, id=record.id,
                              plan=_plan_label(record.plan)), file=stdout)
    return 0


def _units_import(session: Session, kb: KnowledgeBase, path: Path, text: str, plan: str | None,
                  now: dt.datetime, stdout: TextIO) -> int:
    result = units.import_units_csv(session, text, plan, kb.registry, None, now, plans=kb.plans)
    if result.added:
        audit.record(session, "unit.import", now=now, target=path.name[:200], via="cli",
                     plan=plan, added=len(result.added), existing=len(result.existing),
                     errors=len(result.errors))
    print(IMPORT_SUMMARY.format(path=path.name, added=len(result.added),
                                existing=len(result.existing), refused=len(result.errors)),
          file=stdout)
    if not result.errors:
        return 0
    # One line per reason, with the line numbers to fix; `units list` shows the names.
    by_reason: dict[str, list[int]] = {}
    for line, reason in result.errors:
        by_reason.setdefault(reason, []).append(line)
    print(IMPORT_REFUSED, file=stdout)
    for reason, lines in by_reason.items():
        shown = ", ".join(str(line) for line in lines[:MAX_LINES_LISTED])
        if len(lines) > MAX_LINES_LISTED:
            shown += IMPORT_MORE_LINES.format(count=len(lines) - MAX_LINES_LISTED)
        print(IMPORT_REFUSED_LINES.format(reason=IMPORT_REASONS.get(reason, reason), lines=shown),
              file=stdout)
    return 1


def _units_list(session: Session, kb: KnowledgeBase, plan: str | None, stdout: TextIO) -> int:
    if plan is None:
        records = list(session.scalars(select(UnitRecord).order_by(UnitRecord.key, UnitRecord.id)))
    else:
        records = units.units_for_plan(session, plan, units.plan_kb_ids(kb, plan))
    if not records:
        print(UNITS_NONE, file=stdout)
    for record in records:
        retired = (f"; {RETIRED.format(day=record.retired_at)}"
                   if record.retired_at is not None else "")
        print(f"{record.id}\t{record.name}\t[{_plan_label(record.plan)}; "
              f"{SOURCES.get(record.source, record.source)}{retired}]", file=stdout)
    return 0
