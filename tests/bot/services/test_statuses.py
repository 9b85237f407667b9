"""Status submissions: who may report, versions and history, occurrence years, the leak guard,
the overview and the status table, and concurrent submissions on one SQLite file."""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.engine import Base
from bot.db.models import AuditEntry, ReportDraft, StatusRecord
from bot.messages import STATE_LABELS
from bot.services import contacts, statuses, units, users
from bot.services.statuses import StatusRefused, parse_state, submit_status
from knowledge.text import fold
from scheduler.items import plan_items, reports_on, signed_dates
from tests.bot.services.conftest import NOW, TZ
from tests.conftest import TODAY

PLAN = "hai-phong"
YEARLY = "hp-han-bao-cao-hang-nam"  # every sở, 5/11 each year from 2026
FINANCE_ONLY = "hp-han-huong-dan-mua-sam"  # Sở Tài chính, 31/12/2025
HOME_ONLY = "hp-han-ban-giao-tai-lieu"  # Sở Nội vụ, 30/06/2026
ADMIN = 100


@dataclass
class Ids:
    finance: int
    home: int
    health: int
    commune: int  # "Phường Thử Nghiệm", added for lao-cai
    other_plan: int  # added for dong-nai
    unclassified: int


@pytest.fixture
def ids(factory, kb) -> Ids:
    """Users 1 (approved contact of Sở Tài chính, Hải Phòng), 2 (pending, same unit), 3 (approved
    contact of Sở Nội vụ), 4 (approved contact of Sở Tài chính for Đồng Nai), 100 (an admin)."""
    reg = kb.registry
    with factory.begin() as session:
        for uid in (1, 2, 3, 4, ADMIN):
            users.touch_user(session, uid, f"Cán bộ {uid}", f"canbo{uid}", NOW)
        units.sync_kb_units(session, reg, NOW)
        add = units.find_or_add_unit
        out = Ids(
            finance=add(session, "Sở Tài chính", None, reg, "kb", None, NOW).id,
            home=add(session, "Sở Nội vụ", None, reg, "kb", None, NOW).id,
            health=add(session, "Sở Y tế", None, reg, "kb", None, NOW).id,
            commune=add(session, "Phường Thử Nghiệm", "lao-cai", reg, "admin", ADMIN, NOW).id,
            other_plan=add(session, "Phường Đồng Nai Thử", "dong-nai", reg, "admin", ADMIN, NOW).id,
            unclassified=add(session, "Tổ công tác đặc biệt", PLAN, reg, "admin", ADMIN, NOW,
                             allow_unclassified=True).id,
        )
        requests = ((1, PLAN, out.finance, True), (2, PLAN, out.finance, False), (3, PLAN, out.home, True),
                    (4, "dong-nai", out.finance, True))
        for user_id, plan, unit_id, approve in requests:
            contact = contacts.request_contact(session, user_id, plan, unit_id, NOW)
            if approve:
                contacts.decide_contact(session, contact.id, True, ADMIN, NOW)
    return out


def submit(session: Session, kb, unit_id: int, item: str = FINANCE_ONLY, state: str = "hoan_thanh",
           note: str | None = None, actor: int | None = None, admin: bool = False,
           now: dt.datetime = NOW, today: dt.date = TODAY, plan: str = PLAN) -> StatusRecord:
    return submit_status(session, kb, plan=plan, unit_id=unit_id, item_key=item, state=state, note=note,
                         actor_id=actor, admin=admin, now=now, via="cli" if actor is None else "chat",
                         today=today, tz=TZ)


def refusal(session: Session, kb, unit_id: int, **kwargs) -> str:
    with pytest.raises(StatusRefused) as err:
        submit(session, kb, unit_id, **kwargs)
    return err.value.reason


def audit_actions(session: Session) -> list[tuple[str, dict]]:
    return [(e.action, e.detail) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


# --- parsing states --------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "state"), [
    ("hoan_thanh", "hoan_thanh"), ("Hoàn thành", "hoan_thanh"), ("HOAN THANH", "hoan_thanh"),
    ("xong", "hoan_thanh"), ("Đã xong!", "hoan_thanh"), ("hoàn tất", "hoan_thanh"), ("done", "hoan_thanh"),
    ("hoa\u0300n tha\u0300nh", "hoan_thanh"),  # NFD input
    ("dang_thuc_hien", "dang_thuc_hien"), ("Đang thực hiện", "dang_thuc_hien"),
    ("đang làm", "dang_thuc_hien"), ("dang", "dang_thuc_hien"),
    ("chua_thuc_hien", "chua_thuc_hien"), ("chưa thực hiện", "chua_thuc_hien"), ("Chưa", "chua_thuc_hien"),
    ("chua lam", "chua_thuc_hien"), ("chua-thuc-hien", "chua_thuc_hien"),
    ("vuong_mac", "vuong_mac"), ("Vướng mắc", "vuong_mac"), ("vướng", "vuong_mac"), ("khó khăn", "vuong_mac"),
    ("", None), ("có lẽ", None), ("xong rồi mà chưa", None), ("mật", None),
])
def test_parse_state_is_forgiving(typed, state):
    assert parse_state(typed) == state


def test_state_labels_cover_every_state():
    assert set(STATE_LABELS) == set(statuses.STATES) and statuses.NOTE_MAX == 500


# --- versions, receipts, history -------------------------------------------------------------

def test_a_correction_is_a_new_version_and_the_latest_counts(session, kb, ids):
    first = submit(session, kb, ids.finance, state="dang_thuc_hien", note="  đang soạn hướng dẫn ")
    assert (first.version, first.state, first.note, first.via, first.submitted_by) == (
        1, "dang_thuc_hien", "đang soạn hướng dẫn", "cli", None)
    assert (first.item, first.item_kind, first.year, first.plan) == (FINANCE_ONLY, "deadline", None, PLAN)
    assert re.fullmatch(r"BC-20261123-\d{6}", first.receipt) and first.receipt.endswith(f"{first.id:06d}")
    second = submit(session, kb, ids.finance, state="xong", note="", now=NOW + dt.timedelta(hours=1))
    assert (second.version, second.state, second.note) == (2, "hoan_thanh", None)
    assert second.receipt != first.receipt
    assert statuses.latest_for_unit(session, PLAN, ids.finance) == {FINANCE_ONLY: second}
    assert statuses.history(session, PLAN, ids.finance) == [second, first]
    assert statuses.history(session, PLAN, ids.finance, limit=1) == [second]
    assert statuses.get_status(session, first.id) is first and statuses.get_status(session, 10**9) is None
    assert [(a, d["version"], d["item"]) for a, d in audit_actions(session)] == [
        ("status_submitted", 1, FINANCE_ONLY), ("status_corrected", 2, FINANCE_ONLY)]


def test_the_receipt_date_is_the_local_date(session, kb, ids):
    late_evening_utc = dt.datetime(2026, 11, 23, 20, 0, tzinfo=dt.UTC)  # 03:00 on the 24th in Hà Nội
    record = submit(session, kb, ids.finance, now=late_evening_utc)
    assert record.receipt.startswith("BC-20261124-")


def test_versions_are_counted_per_unit_and_item(session, kb, ids):
    submit(session, kb, ids.finance, item=f"{YEARLY}@2026")
    submit(session, kb, ids.finance, item=f"{YEARLY}@2026")
    assert submit(session, kb, ids.home, item=f"{YEARLY}@2026").version == 1
    assert submit(session, kb, ids.finance, item=f"{YEARLY}@2027").version == 1
    assert submit(session, kb, ids.finance, item="hp-ii2-tu-ra-soat").version == 1  # a duty
    assert set(statuses.latest_for_unit(session, PLAN, ids.finance)) == {
        f"{YEARLY}@2026", f"{YEARLY}@2027", "hp-ii2-tu-ra-soat"}


def test_a_duty_and_the_deadline_dating_it_are_one_item(session, kb, ids):
    first = submit(session, kb, ids.finance, item=FINANCE_ONLY, state="hoan_thanh")
    again = submit(session, kb, ids.finance, item="hp-iii5-stc-huong-dan-mua-sam", state="dang_thuc_hien")
    assert (again.item, again.item_kind, again.version) == (FINANCE_ONLY, "deadline", first.version + 1)
    assert statuses.latest_for_unit(session, PLAN, ids.finance)[FINANCE_ONLY].state == "dang_thuc_hien"
    rows = [r for r in statuses.status_rows(session, kb, PLAN, TODAY) if r.unit_id == ids.finance]
    assert [r.item_key for r in rows].count(FINANCE_ONLY) == 1
    assert "hp-iii5-stc-huong-dan-mua-sam" not in [r.item_key for r in rows]


# --- occurrence years ------------------------------------------------------------------------

def test_a_yearly_report_counts_only_for_its_occurrence(session, kb, ids):
    record = submit(session, kb, ids.finance, item=f"{YEARLY}@2026")
    assert (record.item, record.year) == (f"{YEARLY}@2026", 2026)
    by_item = {row.item.key: row for row in statuses.overview(session, kb, PLAN, TODAY)}
    assert "Sở Tài chính" in by_item[f"{YEARLY}@2026"].done
    assert "Sở Tài chính" in by_item[f"{YEARLY}@2027"].not_reported
    assert "Sở Tài chính" not in by_item[f"{YEARLY}@2027"].done


@pytest.mark.parametrize(("today", "year"), [(TODAY, 2026), (dt.date(2026, 12, 5), 2026),
                                             (dt.date(2026, 12, 6), 2027)])
def test_a_bare_yearly_id_reports_on_the_current_occurrence(session, kb, ids, today, year):
    record = submit(session, kb, ids.finance, item=YEARLY, today=today)
    assert (record.item, record.year) == (f"{YEARLY}@{year}", year)


# --- who may report --------------------------------------------------------------------------

def test_an_approved_contact_reports_for_their_own_unit_only(session, kb, ids):
    record = submit(session, kb, ids.finance, actor=1)
    assert (record.submitted_by, record.via) == (1, "chat")
    assert refusal(session, kb, ids.home, item=HOME_ONLY, actor=1) == "not_allowed"  # another unit
    assert refusal(session, kb, ids.finance, actor=3) == "not_allowed"  # another unit's contact
    assert refusal(session, kb, ids.finance, actor=2) == "not_allowed"  # pending
    assert refusal(session, kb, ids.finance, actor=4) == "not_allowed"  # same unit, another plan
    assert refusal(session, kb, ids.finance, actor=999) == "not_allowed"  # a stranger
    assert submit(session, kb, ids.finance, actor=ADMIN, admin=True).submitted_by == ADMIN
    assert submit(session, kb, ids.finance).submitted_by is None  # the command line
    refused = [d for a, d in audit_actions(session) if a == "status_refused"]
    assert [d["reason"] for d in refused] == ["not_allowed"] * 5
    assert all(d["plan"] == PLAN and d["via"] == "chat" for d in refused)


def test_a_rejected_or_replaced_contact_may_no_longer_report(session, kb, ids):
    submit(session, kb, ids.finance, actor=1)
    change = contacts.request_contact(session, 1, PLAN, ids.home, NOW)
    assert submit(session, kb, ids.finance, actor=1)  # still Sở Tài chính's until approved
    contacts.decide_contact(session, change.id, True, None, NOW)  # replaces the approved one
    assert refusal(session, kb, ids.finance, actor=1) == "not_allowed"


def test_checks_and_their_reasons(session, kb, ids):
    assert refusal(session, kb, ids.finance, state="có lẽ") == "unknown_state"
    assert refusal(session, kb, ids.finance, note="x" * 501) == "note_too_long"
    assert submit(session, kb, ids.finance, note="x" * 500).note == "x" * 500
    assert refusal(session, kb, 10**6) == "unknown_unit"
    assert refusal(session, kb, ids.other_plan, item=YEARLY) == "unknown_unit"  # added for dong-nai
    assert refusal(session, kb, ids.finance, item="hp-khong-co") == "unknown_item"
    assert refusal(session, kb, ids.finance, item="ls-dl-gui-ke-hoach") == "unknown_item"  # Lạng Sơn's
    assert refusal(session, kb, ids.finance, item="nope", plan="nowhere") == "unknown_item"
    # Admins and the command line too cannot report for a unit the item does not name.
    assert refusal(session, kb, ids.finance, item=HOME_ONLY) == "not_responsible"
    assert refusal(session, kb, ids.finance, item=HOME_ONLY, actor=ADMIN, admin=True) == "not_responsible"
    assert refusal(session, kb, ids.unclassified, item=YEARLY) == "not_responsible"
    # The state is checked first, then the note, before anything about the unit or the item.
    assert refusal(session, kb, 10**6, item="nope", state="?", note="x" * 501) == "unknown_state"
    assert refusal(session, kb, 10**6, item="nope", note="x" * 501) == "note_too_long"
    assert refusal(session, kb, 10**6, item="nope", note="TỐI MẬT") == "marking"
    assert session.scalar(select(func.count()).select_from(StatusRecord)) == 1


def test_a_bad_channel_is_a_programming_error(session, kb, ids):
    with pytest.raises(ValueError, match="channel"):
        submit_status(session, kb, plan=PLAN, unit_id=ids.finance, item_key=FINANCE_ONLY,
                      state="hoan_thanh", note=None, actor_id=None, admin=False, now=NOW,
                      via="email", today=TODAY, tz=TZ)


# --- the leak guard --------------------------------------------------------------------------

SECRET = "Kế hoạch phòng thủ khu vực số 07/KH-BCH"


def _every_value(session: Session) -> str:
    out = []
    for table in Base.metadata.sorted_tables:
        for row in session.execute(select(table)):
            out.append(repr(tuple(row)))
    return "\n".join(out)


@pytest.mark.parametrize("note", [f"MẬT\n{SECRET}", f"TỐI MẬT - {SECRET}", f"Độ mật: Mật. {SECRET}",
                                  f"[TUYỆT MẬT] {SECRET}"])
def test_a_marked_note_is_refused_and_only_the_refusal_is_audited(factory, kb, ids, note):
    with factory() as session:
        before = _every_value(session)
        audits_before = session.scalar(select(func.count()).select_from(AuditEntry))
    with factory.begin() as session:
        with pytest.raises(StatusRefused) as err:
            submit(session, kb, ids.finance, note=note, actor=1)
        assert err.value.reason == "marking"
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(StatusRecord)) == 0
        assert session.scalar(select(func.count()).select_from(ReportDraft)) == 0
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        assert len(entries) == audits_before + 1
        refused = entries[-1]
        assert (refused.action, refused.actor_id, refused.detail["reason"]) == (
            "status_refused", 1, "marking")
        after = _every_value(session)
    # Every table, every column: the note is nowhere, not even in part.
    assert "07/KH-BCH" not in after and "phòng thủ" not in after
    assert after.count("\n") == before.count("\n") + 1


# --- overview, expected units, the status table ----------------------------------------------

def test_expected_units_are_the_plans_responsible_units(session, kb, ids):
    expected = {record.id: members for record, members in statuses.expected_units(session, kb, PLAN)}
    assert {ids.finance, ids.home, ids.health} <= set(expected)
    assert ids.other_plan not in expected  # added for another plan
    assert ids.unclassified not in expected  # responsible for nothing in the plan
    assert "nhom-so-ban-nganh" in expected[ids.health]
    lao_cai = {record.id for record, _ in statuses.expected_units(session, kb, "lao-cai")}
    assert ids.commune in lao_cai and ids.commune not in expected


def test_overview_splits_the_units_of_each_deadline_by_their_latest_state(session, kb, ids):
    item = f"{YEARLY}@2026"
    submit(session, kb, ids.finance, item=item, state="dang_thuc_hien")
    submit(session, kb, ids.finance, item=item, state="hoan_thanh")  # the latest counts
    submit(session, kb, ids.home, item=item, state="vuong_mac")
    submit(session, kb, ids.health, item=item, state="chua_thuc_hien")
    rows = statuses.overview(session, kb, PLAN, TODAY)
    assert [r.item.key for r in rows] == [f"{YEARLY}@2026", HOME_ONLY, FINANCE_ONLY,
                                          "hp-han-kien-toan-bcd", f"{YEARLY}@2027"]
    row = rows[0]
    assert (row.done, row.in_progress, row.blocked) == (["Sở Tài chính"], [], ["Sở Nội vụ"])
    # "Chưa thực hiện" counts as not reported, and is also listed apart.
    assert "Sở Y tế" in row.not_reported and row.not_started == ["Sở Y tế"]
    assert row.not_reported == sorted(row.not_reported, key=lambda n: (fold(n), n))
    expected = statuses.expected_units(session, kb, PLAN)
    responsible = [r for r, m in expected if not m.isdisjoint(row.item.units)]
    assert row.total == len(responsible) > 20
    assert row.percent_done == pytest.approx(100 / row.total)
    assert {r.item.key: r.total for r in rows}[FINANCE_ONLY] == 1


def test_overview_of_one_item(session, kb, ids):
    submit(session, kb, ids.finance)
    (row,) = statuses.overview(session, kb, PLAN, TODAY, item_key=FINANCE_ONLY)
    assert (row.item.key, row.done, row.not_reported) == (FINANCE_ONLY, ["Sở Tài chính"], [])
    (current,) = statuses.overview(session, kb, PLAN, TODAY, item_key=YEARLY)
    assert current.item.key == f"{YEARLY}@2026"
    assert statuses.overview(session, kb, PLAN, TODAY, item_key="nope") == []
    assert statuses.overview(session, kb, PLAN, TODAY, item_key="hp-iii6-skhcn") == []  # a duty
    assert statuses.overview(session, kb, "vb286", TODAY) == []  # no deadlines


def test_overview_takes_a_fixed_number_of_queries(engine, factory, kb, ids):
    with factory.begin() as session:
        for i in range(60):
            units.find_or_add_unit(session, f"Sở Thử Nghiệm Số {i}", PLAN, kb.registry, "admin", ADMIN, NOW)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        with factory.begin() as session:
            rows = statuses.overview(session, kb, PLAN, TODAY)
            table = statuses.status_rows(session, kb, PLAN, TODAY)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(rows[0].not_reported) > 60 and len(table) > 60 * 5
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 4


def test_status_rows_one_per_unit_and_responsible_item(session, kb, ids):
    submit(session, kb, ids.finance, state="vuong_mac", note="chờ kinh phí", actor=1)
    rows = statuses.status_rows(session, kb, PLAN, TODAY)
    finance = [r for r in rows if r.unit_id == ids.finance]
    assert FINANCE_ONLY in [r.item_key for r in finance] and HOME_ONLY not in [r.item_key for r in finance]
    reported = next(r for r in finance if r.item_key == FINANCE_ONLY)
    assert (reported.state, reported.note, reported.submitted_by, reported.submitter, reported.via,
            reported.version, reported.reported_at, reported.due) == (
        "vuong_mac", "chờ kinh phí", 1, "Cán bộ 1 @canbo1", "chat", 1, NOW, dt.date(2025, 12, 31))
    assert reported.receipt and reported.unit_name == "Sở Tài chính" and reported.item_kind == "deadline"
    others = [r for r in rows if r is not reported]
    assert all(r.state is None and r.receipt is None for r in others)
    expected = statuses.expected_units(session, kb, PLAN)
    items = plan_items(kb, PLAN, TODAY, signed_dates(kb))
    assert len(rows) == sum(1 for record, _ in expected for i in items
                            if reports_on(kb, i, units.as_resolved(record, kb.registry)))


def test_history_rows_are_every_version_newest_first(session, kb, ids):
    submit(session, kb, ids.finance, state="dang", now=NOW)
    submit(session, kb, ids.home, item=HOME_ONLY, now=NOW + dt.timedelta(minutes=1))
    submit(session, kb, ids.finance, state="xong", now=NOW + dt.timedelta(minutes=2))
    rows = statuses.history_rows(session, kb, PLAN, TODAY)
    assert [(r.unit_name, r.version, r.state) for r in rows] == [
        ("Sở Tài chính", 2, "hoan_thanh"), ("Sở Nội vụ", 1, "hoan_thanh"),
        ("Sở Tài chính", 1, "dang_thuc_hien")]
    assert rows[0].title.startswith("Hạn Sở Tài chính") and rows[0].submitter is None


# --- concurrency -----------------------------------------------------------------------------

def _run_at_once(count: int, work) -> list[BaseException]:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            work(i)
        except BaseException as exc:  # reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_twenty_concurrent_submissions_lose_nothing(database_url, kb):
    # SQLite serialises the writers (BEGIN IMMEDIATE, in WAL); PostgreSQL lets them race.
    from bot.db.engine import make_engine, make_session_factory, upgrade_database

    url = database_url
    setup = make_engine(url)
    upgrade_database(setup)
    with make_session_factory(setup).begin() as session:
        communes = [units.find_or_add_unit(session, f"Phường Đồng Thời {i}", "lao-cai", kb.registry,
                                           "admin", None, NOW).id for i in range(20)]
    setup.dispose()
    engines = [make_engine(url) for _ in range(20)]  # one per thread: separate pools and connections

    def submit_one(unit_id: int, i: int) -> None:
        with make_session_factory(engines[i]).begin() as session:
            submit(session, kb, unit_id, item="lc-dl-gui-ke-hoach", plan="lao-cai",
                   now=NOW + dt.timedelta(seconds=i))

    try:
        assert _run_at_once(20, lambda i: submit_one(communes[i], i)) == []  # different units
        assert _run_at_once(20, lambda i: submit_one(communes[0], i)) == []  # one unit, one item
        with make_session_factory(engines[0])() as session:
            versions = session.execute(
                select(StatusRecord.unit_id, StatusRecord.version).order_by(StatusRecord.version)).all()
            receipts = session.scalars(select(StatusRecord.receipt)).all()
            audits = session.scalar(select(func.count()).select_from(AuditEntry))
            sqlite = session.get_bind().dialect.name == "sqlite"
            mode = session.execute(text("PRAGMA journal_mode")).scalar() if sqlite else "wal"
    finally:
        for engine in engines:
            engine.dispose()
    assert mode == "wal"
    assert sorted(v for u, v in versions if u != communes[0]) == [1] * 19
    assert [v for u, v in versions if u == communes[0]] == list(range(1, 22))  # 1 + 20, no gap
    assert len(set(receipts)) == 40 and all(r.startswith("BC-") for r in receipts)
    assert audits == 40


def test_a_version_taken_meanwhile_is_retried_once_in_a_savepoint(session, kb, ids, monkeypatch):
    # What PostgreSQL can do under READ COMMITTED: another transaction commits the same version
    # between our read of the latest and our insert. Simulated with a stale read.
    submit(session, kb, ids.finance)
    real = statuses._latest_version
    calls: list[int] = []

    def stale_once(*args) -> int:
        calls.append(1)
        return 0 if len(calls) == 1 else real(*args)

    monkeypatch.setattr(statuses, "_latest_version", stale_once)
    monkeypatch.setattr(statuses, "_may_race", lambda session: True)  # as on PostgreSQL
    record = submit(session, kb, ids.finance, state="vuong_mac")
    assert record.version == 2 and record.receipt.startswith("BC-") and len(calls) == 2
    assert [r.version for r in statuses.history(session, PLAN, ids.finance)] == [2, 1]
    # Twice in a row: the error reaches the caller, and the transaction is still usable.
    monkeypatch.setattr(statuses, "_latest_version", lambda *a: 0)
    with pytest.raises(IntegrityError):
        submit(session, kb, ids.finance)
    assert statuses.latest_for_unit(session, PLAN, ids.finance)[FINANCE_ONLY].version == 2


def test_a_report_on_a_bare_connection_is_stored_with_its_audit_entry_and_retried_in_a_savepoint(
        engine, factory, kb, ids, monkeypatch):
    # The chat's path (`Core.run_statements`): one transaction on a connection, no session.
    real = statuses._latest_version
    calls: list[int] = []

    def stale_once(*args) -> int:
        calls.append(1)
        return 0 if len(calls) == 2 else real(*args)

    monkeypatch.setattr(statuses, "_latest_version", stale_once)
    monkeypatch.setattr(statuses, "_may_race", lambda connection: True)  # as on PostgreSQL
    with engine.begin() as connection:
        first = submit(connection, kb, ids.finance, actor=1)
        second = submit(connection, kb, ids.finance, state="vuong_mac", actor=1)
        assert units.referenced_unit_name(connection, ids.finance) == "Sở Tài chính"
    assert (first.version, second.version, len(calls)) == (1, 2, 3)
    with factory() as session:
        assert [r.receipt for r in statuses.history(session, PLAN, ids.finance)] == [second.receipt,
                                                                                      first.receipt]
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["status_submitted", "status_corrected"]


def test_only_units_that_exist_on_the_plans_date_are_expected_and_a_city_names_them_thanh_pho(
        session, kb, ids):
    merged = {"so-giao-thong-van-tai", "so-ke-hoach-dau-tu", "so-lao-dong-tbxh",
              "so-thong-tin-truyen-thong"}
    lang_son = {record.kb_id for record, _ in statuses.expected_units(session, kb, "lang-son")}
    assert merged.isdisjoint(lang_son)
    assert {"so-xay-dung", "so-tai-chinh", "so-noi-vu", "so-khoa-hoc-cong-nghe"} <= lang_son
    vb286 = {record.kb_id for record, _ in statuses.expected_units(session, kb, "vb286")}
    assert "so-giao-thong-van-tai" in vb286  # a 2023 plan: the department still existed
    names = {name for row in statuses.overview(session, kb, PLAN, TODAY)
             for name in row.not_reported}
    assert "Công an thành phố" in names and "Công an tỉnh" not in names
    assert not any("đặc khu" in name for row in statuses.overview(session, kb, "lang-son", TODAY)
                   for name in row.not_reported)
    exported = {row.unit_name for row in statuses.status_rows(session, kb, PLAN, TODAY)}
    assert "Công an thành phố" in exported and "Công an tỉnh" not in exported


def test_a_merged_department_typed_for_a_later_plan_is_filed_as_its_successor(session, kb, ids):
    day = kb.plan_date("lang-son")
    record = units.find_or_add_unit(session, "Sở Giao thông vận tải", "lang-son", kb.registry,
                                    "request", 1, NOW, day=day)
    assert record.kb_id == "so-xay-dung"
    old = units.find_or_add_unit(session, "Sở GTVT", "vb286", kb.registry, "request", 1, NOW,
                                 day=kb.plan_date("vb286"))
    assert old.kb_id == "so-giao-thong-van-tai"
