"""Every Vietnamese sentence of deadline reminders (and of `reminders preview`), in one place for review.

Reminders are plain text: no HTML, dates as dd/mm/yyyy. `{item}` is the occurrence key a contact
types after /baocao ("ls-dl-bao-cao-hang-nam@2026" for a yearly deadline).
"""

from __future__ import annotations

# --- one reminder -----------------------------------------------------------------------------

HEAD_UPCOMING = "⏰ Nhắc hạn: {title}"
HEAD_DUE_TODAY = "⏰ Hôm nay là hạn: {title}"
HEAD_OVERDUE = "⚠️ Quá hạn: {title}"

DUE = "Hạn: {due} — {relative}."  # relative: `knowledge.reply.relative`

WORDING = "Kế hoạch ghi: {text}."
SOURCE = "Nguồn: {source}."
REPORT_HINT = "Khi đơn vị đã hoàn thành, báo cáo bằng lệnh: /baocao {item} xong"
STOPS_WHEN_DONE = "Trợ lý sẽ thôi nhắc việc này khi đơn vị báo cáo hoàn thành."

# --- the catch-up message after downtime ------------------------------------------------------

CATCH_UP_HEAD = ("📋 Một số nhắc hạn của những ngày qua chưa gửi được (trợ lý tạm ngừng). "
                 "Tình hình hiện tại ({count} việc):")
CATCH_UP_LINE = "• {title} [{item}] — hạn {due}, {relative}; {state}. Nguồn: {source}."
CATCH_UP_FOOT = "Khi đơn vị đã hoàn thành một việc, báo cáo bằng lệnh: /baocao <mã trong ngoặc> xong"

# The unit's latest reported state of an occurrence, as the catch-up line shows it.
STATE_NOT_REPORTED = "chưa báo cáo"
STATE_LABELS = {
    "chua_thuc_hien": "đã báo cáo: chưa thực hiện",
    "dang_thuc_hien": "đã báo cáo: đang thực hiện",
    "hoan_thanh": "đã báo cáo: hoàn thành",
    "vuong_mac": "đã báo cáo: vướng mắc",
}

# --- `python -m bot reminders preview` --------------------------------------------------------

HELP_REMINDERS = "nhắc hạn: xem trước các nhắc hạn gửi cho một đơn vị"
HELP_PREVIEW = ("các nhắc hạn một đầu mối của đơn vị sẽ nhận vào một thời điểm (giờ địa phương; "
                "cài đặt mặc định, đơn vị chưa báo cáo gì)")
HELP_PLAN = "slug kế hoạch (lang-son, lao-cai, …)"
HELP_UNIT = "tên đơn vị (có dấu hoặc không, tên viết tắt đều được)"
HELP_AT = "thời điểm theo giờ địa phương: dd/mm/yyyy HH:MM hoặc YYYY-MM-DDTHH:MM"
AT_METAVAR = ("NGÀY", "GIỜ")
HELP_JSON = "in JSON"

UNKNOWN_PLAN = "Lỗi: không có kế hoạch {plan!r}. Các kế hoạch: {plans}."
UNKNOWN_UNIT = "Lỗi: không tìm thấy đơn vị {unit!r}. Gần giống: {close}."
BAD_AT = ("Lỗi: thời điểm {value!r} không hợp lệ; dùng dạng dd/mm/yyyy HH:MM hoặc "
          "YYYY-MM-DDTHH:MM, ví dụ 08/12/2026 08:00 hoặc 2026-12-08T08:00.")
PREVIEW_NONE = "Không có nhắc hạn nào cho {unit} ({plan}) vào {at}."
PREVIEW_QUIET = "(Từ 21:00 đến 07:00 trợ lý không gửi nhắc hạn.)"
PREVIEW_DAY_OFF = ("(Ngày nghỉ: nhắc hạn rơi vào thứ Bảy, Chủ nhật hoặc ngày lễ, tết được gửi vào "
                   "ngày làm việc liền trước.)")
PREVIEW_HEAD = "Nhắc hạn gửi cho {unit} ({plan}) vào {at}: {count}"
PREVIEW_SEPARATOR = "—" * 40
