"""Every Vietnamese sentence of status reports (/baocao) and the office's overview (/tonghop, /xuat).

Telegram HTML: user-provided parts (`{note}`, `{unit}`, `{name}`) are always escaped first.
"""

from __future__ import annotations

# The states' labels, one wording with the command line and the exports.
from bot.messages import STATE_LABELS as STATE_LABELS

STATE_ICONS = {"hoan_thanh": "✅", "dang_thuc_hien": "🔄", "vuong_mac": "⚠️", "chua_thuc_hien": "⏳"}

# --- /baocao --------------------------------------------------------------------------------------
NEED_APPROVED = (
    "Chỉ đầu mối đã được duyệt mới gửi báo cáo. Đề nghị làm đầu mối của <b>{unit}</b> đang chờ "
    "quản trị viên duyệt."
)
CHOOSE_ITEM = (
    "<b>Báo cáo tiến độ — {unit}</b> ({plan})\nChọn nhiệm vụ (hạn đã qua và sắp tới trước). "
    "Gõ nhanh: <code>/baocao &lt;số&gt; &lt;trạng thái&gt; [ghi chú]</code>, ví dụ "
    "<code>/baocao 1 xong đã gửi KH số 12/KH</code>."
)
ITEM_LINE = "{number}. {icon}{due}{title}"
NO_ITEMS = "Kế hoạch không giao nhiệm vụ nào cho {unit} để báo cáo."
ITEMS_PAGE = "Trang {page}/{pages} — {count} nhiệm vụ."
CHOOSE_STATE = "<b>{title}</b>{due}\nTrạng thái hiện tại: {current}.\nChọn trạng thái mới:"
NOT_REPORTED = "chưa báo cáo"
ASK_NOTE = (
    "Gõ ghi chú ngắn về tiến độ (tối đa {limit} ký tự, không ghi nội dung tài liệu mật), "
    "hoặc bấm «Bỏ qua»."
)
SKIP_NOTE = "Bỏ qua"
NOTE_TOO_LONG = "Ghi chú dài {length} ký tự; tối đa {limit}. Hãy gõ ngắn hơn, hoặc bấm «Bỏ qua»."
CONFIRM = (
    "<b>Xác nhận báo cáo</b>\nĐơn vị: {unit}\nNhiệm vụ: {title}{due}\nTrạng thái: {state}\n"
    "Ghi chú: {note}"
)
NO_NOTE = "(không có)"
CONFIRM_YES = "✅ Gửi báo cáo"
CONFIRM_NO = "✖️ Hủy"
RECEIPT = (
    "Đã ghi nhận báo cáo <b>{receipt}</b> lúc {when}: {title} — {state}.\n"
    "Muốn sửa, hãy báo cáo lại: bản mới nhất được tính, các bản trước vẫn lưu."
)
DRAFT_GONE = "Báo cáo này không còn (đã gửi hoặc đã hủy). Dùng /baocao để bắt đầu lại."
ITEM_GONE = "Nhiệm vụ này không thuộc đơn vị của bạn hoặc không còn. Dùng /baocao để chọn lại."
REPORT_CANCELLED = "Đã hủy báo cáo."
UNKNOWN_ITEM = (
    "Không tìm thấy nhiệm vụ «{item}». Gõ /baocao để xem danh sách và số thứ tự."
)
UNKNOWN_STATE = (
    "Không hiểu trạng thái «{state}». Dùng: hoàn thành (xong), đang thực hiện, vướng mắc, chưa "
    "thực hiện."
)
ONE_LINE_USAGE = (
    "Cách dùng: <code>/baocao &lt;số hoặc mã nhiệm vụ&gt; &lt;trạng thái&gt; [ghi chú]</code>, ví dụ "
    "<code>/baocao 2 đang thực hiện dự thảo xong 80%</code>."
)
REFUSED = {
    "not_allowed": "Bạn không có quyền báo cáo cho đơn vị này.",
    "unknown_item": "Nhiệm vụ không còn trong kế hoạch.",
    "not_responsible": "Nhiệm vụ này không giao cho đơn vị của bạn.",
    "unknown_state": "Trạng thái không hợp lệ.",
    "note_too_long": "Ghi chú quá dài.",
    "marking": "Ghi chú có dấu chỉ độ mật nên không được lưu; không ghi nội dung tài liệu mật.",
    "unknown_unit": "Đơn vị không còn trong danh sách.",
}
HISTORY_HEADER = "<b>Lịch sử báo cáo — {unit}</b> ({plan}), mới nhất trước:"
HISTORY_LINE = "• {when} {icon} {title} — {state} · {receipt}{note}"
NO_HISTORY = "Đơn vị chưa gửi báo cáo nào."
BLOCKED_FOR_ADMINS = (
    "⚠️ <b>Vướng mắc</b> — {unit} ({plan})\nNhiệm vụ: {title}\nGhi chú: {note}\nNgười báo cáo: "
    "{name} · {receipt}"
)
REPLY_BUTTON = "Trả lời đơn vị"
TYPE_REPLY = "Gõ nội dung trả lời gửi {unit} (/huy để thôi)."
REPLY_TO_UNIT = "📩 <b>Cơ quan Thường trực trả lời</b> về «{title}» ({receipt}):\n{text}"
REPLY_SENT = "Đã gửi trả lời tới {count} đầu mối của {unit}."
REPLY_NOBODY = "Đơn vị {unit} chưa có đầu mối nào đang hoạt động để nhận trả lời."
STATUS_GONE = "Không tìm thấy báo cáo này."

# --- /tonghop, /xuat ----------------------------------------------------------------------------
PLAN_USAGE = (
    "Cách dùng: <code>/{command} &lt;kế hoạch&gt;</code> (với /xuat có thể thêm mã một hạn chót để "
    "xem biểu đồ riêng của nó). Các kế hoạch: {plans}."
)
OVERVIEW_HEADER = (
    "<b>Tổng hợp tiến độ — {plan}</b> (ngày {today})\n"
    "✅ hoàn thành · 🔄 đang làm · ⚠️ vướng mắc · ⏳ chưa báo cáo"
)
OVERVIEW_ITEM = (
    "\n<b>{number}. {title}</b> — hạn {due}\n"
    "{bar} {percent}% · ✅ {done} · 🔄 {doing} · ⚠️ {blocked} · ⏳ {missing}"
)
OVERVIEW_DUTIES = "\n<b>Nhiệm vụ không có hạn chót</b> (những nhiệm vụ đã có đơn vị báo cáo):"
OVERVIEW_DUTY = (
    "\n<b>{number}. {title}</b>\n"
    "{bar} {percent}% · ✅ {done} · 🔄 {doing} · ⚠️ {blocked} · ⏳ {missing}"
)
OVERVIEW_BLOCKED = "⚠️ Vướng mắc: {names}"
OVERVIEW_MORE_NAMES = " và {count} đơn vị khác"
NO_DEADLINE_ITEMS = (
    "Kế hoạch không có hạn chót nào, và chưa đơn vị nào báo cáo về nhiệm vụ của kế hoạch, để "
    "tổng hợp."
)
MISSING_BUTTON = "{number}. Chưa báo cáo ({count})"
MISSING_HEADER = "<b>Chưa báo cáo</b> — {title} (hạn {due}), {count} đơn vị:"
MISSING_HEADER_DUTY = "<b>Chưa báo cáo</b> — {title}, {count} đơn vị:"
NOBODY_MISSING = "Mọi đơn vị đã báo cáo «{title}»."
EXPORT_CAPTION_XLSX = "Bảng trạng thái {plan} (Excel), ngày {today}."
EXPORT_CAPTION_CSV = "Bảng trạng thái {plan} (CSV, UTF-8)."
EXPORT_CAPTION_CHART = "Tỷ lệ hoàn thành theo hạn chót — {plan}, ngày {today}."
ITEM_CHART_CAPTION = "Tình hình các đơn vị — {title}, ngày {today}."
EXPORT_MAKE_FAILED = ("Không tạo được tệp xuất (lỗi khi lập bảng hoặc biểu đồ), nên chưa gửi tệp nào; "
                      "vui lòng thử lại sau.")
EXPORT_SEND_FAILED = ("Đã tạo tệp xuất nhưng không gửi được qua Telegram: {missing}; vui lòng thử lại "
                      "sau.")
