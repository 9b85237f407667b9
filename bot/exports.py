"""The standing office's files: the status table as XLSX and CSV, and completion charts as PNG.

Rows come from `bot.services.statuses` (`status_rows`, `history_rows`, `overview`); files are
written to the path the caller gives (the chat handler uses a temporary directory and deletes
it once sent). Dates are real dates in the spreadsheet, shown dd/mm/yyyy, and report times are
local (the deployment's time zone, Asia/Ho_Chi_Minh by default). Text a user typed (notes,
names) is always written as text: a note starting with "=" must not become a formula.

openpyxl and matplotlib are imported when a file is written, not when the bot starts.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.messages import STATE_LABELS

if TYPE_CHECKING:
    from bot.services.statuses import ItemOverview, StatusRow

__all__ = ["completion_chart", "unit_chart", "write_csv", "write_xlsx"]

# --- Vietnamese text of the exports, in one place for review ---------------------------------

SHEET_STATUS = "Trạng thái"
SHEET_HISTORY = "Lịch sử"
HEADERS = ("Đơn vị", "Mã mục", "Nội dung", "Hạn", "Trạng thái", "Thời điểm báo cáo", "Ghi chú",
           "Người báo cáo", "Số biên nhận")
# The history leaves out the item's title and due date (they are on the first sheet, by item id):
# it has a row per version, and every cell written costs export time.
_HISTORY_COLUMNS = (0, 1, 4, 5, 6, 7, 8)
HISTORY_HEADERS = (*(HEADERS[i] for i in _HISTORY_COLUMNS), "Lần báo cáo")
CSV_HEADERS = ("Đơn vị", "Mã mục", "Nội dung", "Hạn", "Trạng thái", "Mã trạng thái",
               "Thời điểm báo cáo", "Ghi chú", "Người báo cáo", "Số biên nhận", "Lần báo cáo")
NOT_REPORTED = "Chưa báo cáo"
VIA_CLI = "Cơ quan thường trực (nhập bằng lệnh)"
USER_ID = "id {user_id}"
CHART_DONE = "Hoàn thành"
CHART_IN_PROGRESS = "Đang thực hiện"
CHART_BLOCKED = "Vướng mắc"
CHART_NOT_REPORTED = "Chưa báo cáo / chưa thực hiện"
CHART_AXIS = "Tỉ lệ đơn vị (%)"
CHART_COUNT_AXIS = "Số đơn vị"
CHART_DUE = "hạn {due:%d/%m/%Y}"
CHART_EMPTY = "Chưa có hạn nào để thống kê"
CHART_UNITS = "{done}/{total} đơn vị"

# ---------------------------------------------------------------------------------------------

_WIDTHS = (34, 30, 60, 12, 16, 18, 50, 30, 20, 11)
_DATE_FORMAT = "dd/mm/yyyy"
_DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
_COLOURS = ("#2e7d32", "#f9a825", "#c62828", "#bdbdbd")
_MAX_LABEL = 60


def _local(value: dt.datetime | None, tz: dt.tzinfo) -> dt.datetime | None:
    """Naive local time: spreadsheets have no time zones."""
    return None if value is None else value.astimezone(tz).replace(tzinfo=None)


def _who(row: StatusRow) -> str:
    if row.state is None:
        return ""
    if row.submitted_by is None:
        return VIA_CLI
    user_id = USER_ID.format(user_id=row.submitted_by)
    return f"{row.submitter} ({user_id})" if row.submitter else user_id


def _state_label(row: StatusRow) -> str:
    return STATE_LABELS[row.state] if row.state is not None else NOT_REPORTED


def write_xlsx(rows: Sequence[StatusRow], history_rows: Sequence[StatusRow], path: Path | str, *,
               tz: dt.tzinfo) -> None:
    """The status table ("Trạng thái": one row per unit × item) and every version ("Lịch sử",
    newest first), with a bold frozen header, filters, widths, dd/mm/yyyy dates and report times
    in the deployment's time zone `tz`."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def sheet(title: str, headers: Sequence[str], data: Sequence[StatusRow], versions: bool) -> None:
        ws = workbook.create_sheet(title)
        widths = [*(_WIDTHS[i] for i in _HISTORY_COLUMNS), _WIDTHS[-1]] if versions else _WIDTHS
        for column, width in enumerate(widths[:len(headers)], 1):
            ws.column_dimensions[get_column_letter(column)].width = width
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(data) + 1}"
        header = []
        for title in headers:
            cell = WriteOnlyCell(ws, value=title)
            cell.font, cell.alignment = bold, wrap
            header.append(cell)
        ws.append(header)

        def text(value: str | None) -> Any:
            if not value or value[0] != "=":
                return value
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"  # never a formula
            return cell

        # One styled cell per date column, reused: a write-only row is written out as soon as it
        # is appended, and creating and styling a cell for every date was a tenth of the export.
        styled: dict[tuple[int, str], Any] = {}

        def stamp(value: dt.date | dt.datetime | None, number_format: str, column: int) -> Any:
            if value is None:
                return None
            cell = styled.get((column, number_format))
            if cell is None:
                cell = styled[(column, number_format)] = WriteOnlyCell(ws)
                cell.number_format = number_format
            cell.value = value
            return cell

        for row in data:
            state = STATE_LABELS[row.state] if row.state is not None else NOT_REPORTED
            values = [text(row.unit_name), row.item_key, text(row.title), stamp(row.due, _DATE_FORMAT, 4),
                      state, stamp(_local(row.reported_at, tz), _DATETIME_FORMAT, 6),
                      text(row.note), text(_who(row)), row.receipt]
            if versions:
                values = [values[i] for i in _HISTORY_COLUMNS]
                values.append(row.version)
            ws.append(values)

    sheet(SHEET_STATUS, HEADERS, rows, versions=False)
    sheet(SHEET_HISTORY, HISTORY_HEADERS, history_rows, versions=True)
    workbook.save(path)


def _csv_text(value: str | None) -> str:
    """User text for a CSV cell; a leading = + - @ would make Excel read a formula, so quote it."""
    if not value:
        return ""
    return "'" + value if value[0] in "=+-@\t\r" else value


def write_csv(rows: Sequence[StatusRow], path: Path | str, *, tz: dt.tzinfo) -> None:
    """The status table as CSV: UTF-8 with a BOM (so Excel reads Vietnamese), comma-separated,
    a header row, ISO dates (YYYY-MM-DD) and report times in `tz` with their offset."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADERS)
        for row in rows:
            local = row.reported_at.astimezone(tz) if row.reported_at else None
            writer.writerow([
                _csv_text(row.unit_name), row.item_key, _csv_text(row.title),
                row.due.isoformat() if row.due else "", _state_label(row), row.state or "",
                local.isoformat(timespec="seconds") if local else "",
                _csv_text(row.note), _csv_text(_who(row)), row.receipt or "",
                row.version if row.version is not None else "",
            ])


def _short(text: str) -> str:
    return text if len(text) <= _MAX_LABEL else text[:_MAX_LABEL - 1] + "…"


def _figure(bars: int) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 1.6 + 0.55 * max(bars, 1)), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def completion_chart(overview: Sequence[ItemOverview], path: Path | str, title: str) -> None:
    """A PNG of horizontal bars, one per deadline item: the share of its units done, in
    progress, blocked and not reported, with the done percentage written at the end."""
    figure = _figure(len(overview))
    ax = figure.add_subplot()
    figure.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    if not overview:
        ax.text(0.5, 0.5, CHART_EMPTY, ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        figure.savefig(path, format="png")
        return
    labels = [f"{_short(row.item.title)}\n({CHART_DUE.format(due=row.item.due)})" if row.item.due
              else _short(row.item.title) for row in overview]
    positions = range(len(overview))
    left = [0.0] * len(overview)
    series = ((CHART_DONE, lambda r: r.done), (CHART_IN_PROGRESS, lambda r: r.in_progress),
              (CHART_BLOCKED, lambda r: r.blocked), (CHART_NOT_REPORTED, lambda r: r.not_reported))
    for (label, units), colour in zip(series, _COLOURS, strict=True):
        shares = [100 * len(units(r)) / r.total if r.total else 0.0 for r in overview]
        ax.barh(positions, shares, left=left, color=colour, label=label, height=0.6)
        left = [a + b for a, b in zip(left, shares, strict=True)]
    for y, row in enumerate(overview):
        ax.text(101, y, f"{row.percent_done:.0f}% · "
                f"{CHART_UNITS.format(done=len(row.done), total=row.total)}", va="center", fontsize=9)
    ax.set_yticks(list(positions), labels, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, 125)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel(CHART_AXIS)
    figure.legend(loc="outside lower center", ncols=4, fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    figure.savefig(path, format="png")


def unit_chart(row: ItemOverview, path: Path | str, title: str) -> None:
    """A PNG for one deadline item: how many of its units are in each state."""
    figure = _figure(4)
    ax = figure.add_subplot()
    due = f" — {CHART_DUE.format(due=row.item.due)}" if row.item.due else ""
    ax.set_title(f"{title}\n{_short(row.item.title)}{due}", loc="left", fontsize=11)
    names = (CHART_DONE, CHART_IN_PROGRESS, CHART_BLOCKED, CHART_NOT_REPORTED)
    counts = [len(row.done), len(row.in_progress), len(row.blocked), len(row.not_reported)]
    ax.barh(range(4), counts, color=_COLOURS, height=0.6)
    for y, count in enumerate(counts):
        ax.text(count, y, f" {count}", va="center", fontsize=9)
    ax.set_yticks(range(4), names, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, max(max(counts), 1) * 1.15)
    ax.set_xlabel(CHART_COUNT_AXIS)
    ax.spines[["top", "right"]].set_visible(False)
    figure.savefig(path, format="png")
