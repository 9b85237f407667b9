"""Export files read back: the XLSX (sheets, header, real dates, frozen pane, no formulas), the
CSV (BOM, header, ISO dates) and the charts (PNG)."""

from __future__ import annotations

import csv
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot import exports
from bot.services.statuses import ItemOverview, StatusRow
from scheduler.items import find_item, signed_dates
from tests.conftest import TODAY

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

PNG = b"\x89PNG\r\n\x1a\n"
AT = dt.datetime(2026, 11, 23, 2, 30, tzinfo=dt.UTC)  # 09:30 in Hà Nội


@pytest.fixture
def rows() -> list[StatusRow]:
    return [
        StatusRow(1, "Sở Tài chính", "hp-han-huong-dan-mua-sam", "deadline", "Hạn Sở Tài chính ban hành",
                  dt.date(2025, 12, 31), state="hoan_thanh", reported_at=AT, note="=1+1 đã gửi",
                  submitted_by=42, submitter="Lan @lan", via="chat", receipt="BC-20261123-000007",
                  version=2),
        StatusRow(2, "Sở Nội vụ", "hp-han-ban-giao-tai-lieu", "deadline", "Hạn bàn giao tài liệu",
                  dt.date(2026, 6, 30)),
        StatusRow(3, "UBND phường Đông Kinh", "hp-iii7-thuc-hien-muc-ii", "duty", "Thực hiện mục II", None,
                  state="vuong_mac", reported_at=AT, note="-thiếu kinh phí", via="cli",
                  receipt="BC-20261123-000008", version=1),
    ]


@pytest.fixture
def history(rows) -> list[StatusRow]:
    older = StatusRow(1, "Sở Tài chính", "hp-han-huong-dan-mua-sam", "deadline", "Hạn Sở Tài chính ban hành",
                      dt.date(2025, 12, 31), state="dang_thuc_hien", reported_at=AT - dt.timedelta(days=2),
                      via="cli", receipt="BC-20261121-000003", version=1)
    return [rows[0], rows[2], older]


def test_xlsx_has_the_status_and_history_sheets(tmp_path, rows, history):
    path = tmp_path / "trang-thai.xlsx"
    exports.write_xlsx(rows, history, path, tz=TZ)
    book = load_workbook(path)
    assert book.sheetnames == ["Trạng thái", "Lịch sử"]
    sheet = book["Trạng thái"]
    assert [c.value for c in sheet[1]] == list(exports.HEADERS)
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 4 and sheet.auto_filter.ref == "A1:I4"
    assert sheet.column_dimensions["C"].width >= 40
    first = list(sheet[2])
    assert [c.value for c in first[:3]] == ["Sở Tài chính", "hp-han-huong-dan-mua-sam",
                                            "Hạn Sở Tài chính ban hành"]
    due, state, reported = first[3], first[4], first[5]
    assert due.is_date and due.value == dt.datetime(2025, 12, 31) and due.number_format == "dd/mm/yyyy"
    assert state.value == "Hoàn thành"
    assert reported.is_date and reported.value == dt.datetime(2026, 11, 23, 9, 30)  # local time
    assert reported.number_format.startswith("dd/mm/yyyy")
    # A note that looks like a formula stays text.
    assert first[6].value == "=1+1 đã gửi" and first[6].data_type == "s"
    assert [c.value for c in first[7:]] == ["Lan @lan (id 42)", "BC-20261123-000007"]
    unreported = [c.value for c in sheet[3]]
    assert unreported[4] == "Chưa báo cáo" and unreported[5:] == [None, None, None, None]
    assert sheet["H4"].value == exports.VIA_CLI and sheet["D4"].value is None

    past = book["Lịch sử"]
    assert [c.value for c in past[1]] == list(exports.HISTORY_HEADERS) and past.freeze_panes == "A2"
    assert [(r[2].value, r[7].value) for r in past.iter_rows(min_row=2)] == [
        ("Hoàn thành", 2), ("Vướng mắc", 1), ("Đang thực hiện", 1)]


def test_xlsx_with_no_rows_still_has_its_headers(tmp_path):
    path = tmp_path / "empty.xlsx"
    exports.write_xlsx([], [], path, tz=TZ)
    book = load_workbook(path)
    assert [c.value for c in book["Trạng thái"][1]] == list(exports.HEADERS)
    assert book["Lịch sử"].max_row == 1


def test_csv_is_utf8_with_bom_and_iso_dates(tmp_path, rows):
    path = tmp_path / "trang-thai.csv"
    exports.write_csv(rows, path, tz=TZ)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == list(exports.CSV_HEADERS) and len(table) == 4
    first = dict(zip(table[0], table[1], strict=True))
    assert first["Đơn vị"] == "Sở Tài chính" and first["Hạn"] == "2025-12-31"
    assert (first["Trạng thái"], first["Mã trạng thái"]) == ("Hoàn thành", "hoan_thanh")
    assert first["Thời điểm báo cáo"] == "2026-11-23T09:30:00+07:00"
    assert first["Ghi chú"] == "'=1+1 đã gửi"  # Excel must not run it as a formula
    assert (first["Số biên nhận"], first["Lần báo cáo"]) == ("BC-20261123-000007", "2")
    missing = dict(zip(table[0], table[2], strict=True))
    assert (missing["Trạng thái"], missing["Mã trạng thái"], missing["Thời điểm báo cáo"]) == (
        "Chưa báo cáo", "", "")
    duty = dict(zip(table[0], table[3], strict=True))
    assert duty["Hạn"] == "" and duty["Ghi chú"] == "'-thiếu kinh phí"


def _overview(kb) -> list[ItemOverview]:
    signed = signed_dates(kb)
    keys = ["hp-han-bao-cao-hang-nam@2026", "hp-han-ban-giao-tai-lieu", "hp-han-huong-dan-mua-sam"]
    items = [find_item(kb, "hai-phong", key, TODAY, signed) for key in keys]
    return [ItemOverview(item, ["Sở A"] * n, ["Sở B"], ["Sở Đông"] * (n % 2), ["Ủy ban"] * (3 - n))
            for n, item in enumerate(items) if item is not None]


def test_completion_chart_is_a_png(tmp_path, kb):
    path = tmp_path / "chart.png"
    exports.completion_chart(_overview(kb), path, "Kế hoạch Hải Phòng — tiến độ thực hiện")
    assert path.read_bytes().startswith(PNG) and path.stat().st_size > 5000
    empty = tmp_path / "empty.png"
    exports.completion_chart([], empty, "Kế hoạch")
    assert empty.read_bytes().startswith(PNG)


def test_unit_chart_is_a_png(tmp_path, kb):
    path = tmp_path / "item.png"
    exports.unit_chart(_overview(kb)[0], path, "Kế hoạch Hải Phòng")
    assert path.read_bytes().startswith(PNG)


def test_charts_leave_pyplot_alone(tmp_path, kb):
    import sys

    exports.completion_chart(_overview(kb), tmp_path / "c.png", "Kế hoạch")
    pyplot = sys.modules.get("matplotlib.pyplot")
    assert pyplot is None or pyplot.get_fignums() == []
