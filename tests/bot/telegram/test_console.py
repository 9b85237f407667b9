"""The terminal console: piped sessions through the real handlers, on a temporary database."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from bot.cli import main
from handlers import texts
from tests.databases import Database

CLEARED = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "ADMIN_IDS", "DEFAULT_PLAN", "TIMEZONE",
           "WEBHOOK_URL", "WEBHOOK_SECRET", "WEBHOOK_PORT", "REGISTERED_ONLY", "FLOOD_LIMIT",
           "BMNN_KB_DIR")


@pytest.fixture(autouse=True)
def database(database_url, monkeypatch) -> Database:
    """Each test gets its own database, SQLite then PostgreSQL; nothing is written under the repository."""
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    return Database(database_url)


def console(stdin: str, *options: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["console", *options], stdin=io.StringIO(stdin), stdout=out)
    return code, out.getvalue()


def choice(out: str, label_part: str) -> int:
    """The number printed before the first button whose label contains `label_part`."""
    for number, label in re.findall(r"^  \[(\d+)\] (.*)$", out, flags=re.MULTILINE):
        if label_part in label:
            return int(number)
    raise AssertionError(f"no button {label_part!r} in:\n{out}")


def test_the_session_uses_the_temporary_database(database):
    code, _ = console("/start\n")
    assert code == 0
    assert database.exists()


def test_start_prints_a_numbered_button_for_each_plan(kb):
    code, out = console("/start\n")
    assert code == 0
    assert "> /start" in out
    buttons = re.findall(r"^  \[(\d+)\] (.*)$", out, flags=re.MULTILINE)
    assert [int(n) for n, _ in buttons] == list(range(1, len(kb.plans) + 2))  # plans + "no plan"
    for slug in kb.plans:
        assert any(kb.plan_document(slug).short == label for _, label in buttons)


def test_typing_the_number_of_lang_son_shows_its_units(kb):
    _, first = console("/start\n")
    number = choice(first, "Lạng Sơn")
    code, out = console(f"/start\n{number}\n")
    assert code == 0
    after = out.split(f"> {number}\n", 1)[1]
    assert f"Đã chọn {kb.plan_document('lang-son').short}." in after
    assert "Bước 2" in after
    assert choice(after, "Đơn vị khác") > 1  # units first, then "another unit" and "skip"
    assert choice(after, "Bỏ qua")


def test_a_question_is_answered_with_its_source():
    code, out = console("Bí mật nhà nước là gì?\n")
    assert code == 0
    assert "> Bí mật nhà nước là gì?" in out
    assert "Nguồn:" in out
    assert "<b>" not in out and "&lt;" not in out  # HTML shown as plain text


def test_a_number_out_of_range_asks_for_one_in_range():
    _, first = console("/start\n")
    count = len(re.findall(r"^  \[\d+\] ", first, flags=re.MULTILINE))
    _, out = console(f"/start\n{count + 5}\n0\n")
    assert out.count(f"Hãy gõ một số từ 1 đến {count}") == 2


def test_an_unknown_plan_is_refused_and_a_known_one_chosen():
    _, out = console("/kehoach khong-co\n/kehoach lang-son\n/kehoach\n")
    assert "không có kế hoạch 'khong-co'" in out
    assert "Đã chọn kế hoạch: lang-son." in out
    assert "Đã chọn kế hoạch: tất cả." in out


def test_thoat_ends_the_session():
    code, out = console("/thoat\nBí mật nhà nước là gì?\n")
    assert code == 0
    assert "> /thoat" in out
    assert "Bí mật nhà nước là gì?" not in out


def test_blank_lines_are_skipped_and_end_of_input_ends_the_session():
    code, out = console("\n   \n")
    assert code == 0
    assert out == ""


def test_duyet_is_refused_without_admin():
    _, out = console("/duyet\n")
    assert texts.ADMIN_ONLY in out


def test_admin_option_makes_duyet_work():
    code, out = console("/duyet\n", "--admin")
    assert code == 0
    assert "> /duyet" in out
    assert "chỉ dành cho quản trị viên" not in out
    assert out.split("> /duyet\n", 1)[1].strip()  # it answered something


def test_plan_option_sets_the_plan(kb):
    code, out = console("/help\n", "--plan", "lang-son")
    assert code == 0
    assert f"Kế hoạch đang chọn: {kb.plan_document('lang-son').short}." in out


def test_without_the_plan_option_no_plan_is_chosen(kb):
    _, out = console("/help\n")
    assert f"Kế hoạch đang chọn: {kb.plan_document('lang-son').short}" not in out


def test_an_unknown_plan_option_exits_2(capsys):
    code, out = console("/help\n", "--plan", "khong-co")
    assert code == 2
    assert out == ""
    assert "khong-co" in capsys.readouterr().err


def test_the_console_answers_for_the_registered_unit_as_the_cli_does(capsys):
    """A console user who asked to be Sở Tài chính's contact gets that unit's answer, as `ask --unit`."""
    _, first = console("/start\n")
    plan = choice(first, "Lạng Sơn")
    _, second = console(f"/start\n{plan}\n")
    unit = choice(second.split(f"> {plan}\n", 1)[1], "Sở Tài chính")
    question = "Sở TC bọn mình phải làm gì, hạn bao giờ"
    _, third = console(f"/start\n{plan}\n{unit}\n")
    confirm = choice(third.split(f"> {unit}\n", 1)[1], "Xác nhận")
    code, out = console(f"/start\n{plan}\n{unit}\n{confirm}\n{question}\n")
    assert code == 0
    answer = out.split(f"> {question}\n", 1)[1]
    capsys.readouterr()
    assert main(["ask", question, "--plan", "lang-son", "--unit", "Sở Tài chính"]) == 0
    expected = capsys.readouterr().out
    header = expected.splitlines()[0]
    assert header.startswith("Nhiệm vụ của Sở Tài chính")
    assert answer.startswith(header)
    # The same entries, in the same order, in both.
    titles = re.findall(r"^• (.+?) \(mục", expected, flags=re.MULTILINE)
    assert titles and titles == re.findall(r"^• (.+?) \(mục", answer, flags=re.MULTILINE)


def test_console_users_keep_the_name_the_database_has_and_admins_tell_them_apart(database):
    import datetime as dt

    from bot.db.engine import make_engine, make_session_factory, upgrade_database
    from bot.services import users

    engine = make_engine(database.url)
    upgrade_database(engine)
    with make_session_factory(engine).begin() as session:  # someone who wrote on Telegram
        users.touch_user(session, 7001, "Lan", "lan_chi_lang", dt.datetime.now(dt.UTC), "Nguyễn Thị")
    engine.dispose()
    for user_id in ("7001", "7002"):
        _, out = console("/start\n")
        plan = choice(out, "Lạng Sơn")
        _, out = console(f"/start\n{plan}\n", "--user-id", user_id)
        unit = choice(out.split(f"> {plan}\n", 1)[1], "Sở Tài chính" if user_id == "7001" else "Công an")
        _, out = console(f"/start\n{plan}\n{unit}\n", "--user-id", user_id)
        confirm = choice(out.split(f"> {unit}\n", 1)[1], "Xác nhận")
        console(f"/start\n{plan}\n{unit}\n{confirm}\n", "--user-id", user_id)
    _, out = console("/duyet\n", "--admin", "--user-id", "9")
    assert "Lan Nguyễn Thị (@lan_chi_lang), id 7001 — Sở Tài chính" in out
    assert "Cán bộ 7002, id 7002 — Công an tỉnh" in out


def _a_contact_of_lang_son(user_id: int = 2) -> None:
    """An admin invites Sở Tư pháp's contact, who opens the link in their own console session."""
    _, out = console("/moi lang-son Sở Tư pháp\n", "--admin", "--plan", "lang-son")
    code = re.search(r"\?start=(\S+)", out)[1]
    _, out = console(f"/start {code}\n", "--user-id", str(user_id))
    assert "Sở Tư pháp" in out


def test_thongbao_in_the_console_completes_and_confirms(capsys):
    _a_contact_of_lang_son()
    _, out = console("/thongbao lang-son Họp giao ban sáng thứ Hai\n", "--admin", "--plan", "lang-son")
    send = choice(out, "Gửi")
    code, out = console(f"/thongbao lang-son Họp giao ban sáng thứ Hai\n{send}\n", "--admin",
                        "--plan", "lang-son")
    assert code == 0
    after = out.split(f"> {send}\n", 1)[1]
    assert "Đang gửi thông báo tới 1 đầu mối" in after
    assert "Đã gửi thông báo tới 1/1 đầu mối." in after
    assert "Warning" not in out + capsys.readouterr().err


def test_xuat_in_the_console_saves_the_files_under_var_exports_and_prints_their_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _a_contact_of_lang_son()
    code, out = console("/xuat lang-son\n/xuat lang-son\n", "--admin", "--plan", "lang-son")
    assert code == 0
    saved = re.findall(r"^  📎 Đã lưu tệp: (.+)$", out, flags=re.MULTILINE)
    folder = Path("var/exports")
    stamp = "trang-thai-lang-son-" + re.search(r"ngày (\d\d)/(\d\d)/(\d{4})", out).expand(r"\3\2\1")
    assert saved == [str(folder / f"{stamp}.{ext}") for ext in ("xlsx", "csv", "png")] + [
        str(folder / f"{stamp}-1.{ext}") for ext in ("xlsx", "csv", "png")]  # a second export: new files
    for path in saved:
        assert (tmp_path / path).stat().st_size > 0
    assert (tmp_path / saved[0]).read_bytes()[:2] == b"PK"  # an XLSX is a zip
    assert "Sở Tư pháp" in (tmp_path / saved[1]).read_text(encoding="utf-8-sig")
