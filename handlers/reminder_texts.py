"""Every Vietnamese sentence of reminder settings (/nhacviec) and announcements (/thongbao).

Telegram HTML: user-provided parts are escaped before they are put in.
"""

from __future__ import annotations

# --- /nhacviec -------------------------------------------------------------------------------------
NO_SUBSCRIPTION = (
    "Bạn chưa đăng ký nhận nhắc việc: nhắc việc dành cho đầu mối đã được duyệt của một đơn vị. "
    "Dùng /donvi để đăng ký đơn vị."
)
SETTINGS = (
    "<b>Nhắc việc — {unit}</b> ({plan})\n"
    "Trạng thái: {state}. Nhắc trước hạn: {lead} ngày, vào ngày hạn lúc 08:00; quá hạn thì nhắc "
    "ngày hôm sau rồi mỗi 7 ngày (tối đa 4 lần) cho đến khi đơn vị báo cáo «Hoàn thành»."
)
STATE_ON = "🔔 đang bật"
STATE_OFF = "🔕 đã tắt"
STATE_PAUSED = "⏸ tạm dừng (bạn đã chặn bot; nhắn lại cho bot để bật)"
UPCOMING_HEADER = "\n<b>Sắp nhắc</b>:"
UPCOMING_LINE = "• {due} — {title}{muted}"
MUTED_MARK = " (đã tắt nhắc)"
NOTHING_UPCOMING = "\nKhông có hạn chót nào trong 60 ngày tới."
MUTE_ALL = "🔕 Tắt mọi nhắc việc"
UNMUTE_ALL = "🔔 Bật lại nhắc việc"
LEAD_BUTTON = "Nhắc trước {lead} ngày"
MUTE_ITEM = "🔕 Tắt: {title}"
UNMUTE_ITEM = "🔔 Bật: {title}"
SAVED = "Đã lưu."
LEAD_BAD = "Số ngày nhắc không hợp lệ."
NOT_YOUR_SUBSCRIPTION = "Thiết lập này không còn; dùng /nhacviec để xem lại."

# --- /thongbao ----------------------------------------------------------------------------------------
ANNOUNCE_USAGE = (
    "Cách dùng: <code>/thongbao [kế hoạch] &lt;nội dung&gt;</code> — gửi thông báo ngắn (tối đa "
    "{limit} ký tự) tới mọi đầu mối đã duyệt của kế hoạch. Các kế hoạch: {plans}."
)
ANNOUNCE_TOO_LONG = "Thông báo dài {length} ký tự; tối đa {limit}."
ANNOUNCE_CONFIRM = (
    "<b>Gửi thông báo tới {count} đầu mối</b> của {plan}?\n\n{text}"
)
ANNOUNCE_NOBODY = "{plan} chưa có đầu mối nào đang hoạt động."
ANNOUNCE_YES = "📣 Gửi"
ANNOUNCE_NO = "✖️ Hủy"
ANNOUNCE_CANCELLED = "Đã hủy thông báo."
ANNOUNCE_GONE = "Thông báo này không còn (đã gửi hoặc đã hủy)."
ANNOUNCE_SENDING = "Đang gửi thông báo tới {count} đầu mối…"
ANNOUNCE_DONE = "Đã gửi thông báo tới {sent}/{count} đầu mối."
ANNOUNCEMENT = "📣 <b>Thông báo của cơ quan Thường trực</b> ({plan}):\n\n{text}"
