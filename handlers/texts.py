"""Every Vietnamese sentence the Telegram chat shows, in one place for review.

Texts are Telegram HTML: anything coming from a user is escaped before it is put in (`{name}`,
`{question}`, `{unit}` are always passed through `html.escape`).
"""

from __future__ import annotations

# --- commands shown in Telegram's menu ---------------------------------------------------------
COMMANDS = [
    ("start", "Bắt đầu, chọn kế hoạch và đơn vị"),
    ("help", "Hướng dẫn sử dụng"),
    ("nhiemvu", "Nhiệm vụ của đơn vị tôi"),
    ("hanchot", "Hạn chót sắp tới và đã quá hạn của đơn vị tôi"),
    ("baocao", "Báo cáo tiến độ một nhiệm vụ của đơn vị"),
    ("nhacviec", "Nhắc việc: xem, tắt/bật, đổi số ngày nhắc"),
    ("lienhe", "Liên hệ cơ quan Thường trực"),
    ("donvi", "Đổi đơn vị"),
    ("huy", "Hủy thao tác đang làm"),
]
ADMIN_COMMANDS = [
    ("duyet", "Duyệt đầu mối đang chờ"),
    ("moi", "Tạo liên kết mời cho một đơn vị"),
    ("themdonvi", "Thêm đơn vị (ví dụ một xã, phường)"),
    ("chuatraloi", "Câu hỏi gần đây chưa trả lời được"),
    ("tonghop", "Tổng hợp tiến độ theo kế hoạch"),
    ("xuat", "Xuất bảng trạng thái (Excel, CSV) và biểu đồ"),
    ("thongbao", "Gửi thông báo tới mọi đầu mối của kế hoạch"),
]

# --- onboarding -----------------------------------------------------------------------------------
WELCOME = (
    "Xin chào {name}! Tôi là trợ lý giúp cán bộ thực hiện kế hoạch <b>bảo vệ bí mật nhà nước</b>: "
    "trả lời câu hỏi về nhiệm vụ, hạn chót và quy định pháp luật (kèm nguồn trích dẫn), nhắc hạn "
    "và nhận báo cáo tiến độ của đơn vị.\n\n"
    "⚠️ Không gửi nội dung, tệp, ảnh tài liệu bí mật nhà nước qua Telegram.\n\n"
    "Bước 1: chọn kế hoạch bạn thực hiện."
)
CHOOSE_PLAN = "Chọn kế hoạch bạn thực hiện:"
NO_PLAN_BUTTON = "Chỉ hỏi đáp (không chọn kế hoạch)"
PLAN_CHOSEN_NO_UNIT = (
    "Đã chọn: không theo kế hoạch cụ thể. Bạn có thể hỏi ngay, ví dụ: "
    "<i>Thời hạn bảo vệ bí mật nhà nước độ Tối mật là bao lâu?</i>\n"
    "Dùng /start để chọn kế hoạch và đơn vị khi cần."
)
CHOOSE_UNIT = (
    "Đã chọn <b>{plan}</b>.\n\nBước 2: chọn đơn vị của bạn (đầu mối của đơn vị sẽ được quản trị viên "
    "duyệt). Không thấy đơn vị của mình? Chọn «Đơn vị khác» rồi gõ tên."
)
OTHER_UNIT_BUTTON = "Đơn vị khác (gõ tên)…"
SKIP_UNIT_BUTTON = "Bỏ qua, chỉ hỏi đáp"
TYPE_UNIT_NAME = (
    "Gõ tên đầy đủ đơn vị của bạn, ví dụ <i>Sở Y tế</i>, <i>UBND phường Đông Kinh</i>. "
    "/huy để thôi."
)
UNIT_NOT_FOUND = "Không nhận ra đơn vị «{name}»."
UNIT_CLOSE = " Có phải: {close}? Gõ lại tên, hoặc /huy để thôi."
UNIT_NOT_FOUND_HINT = (
    " Hãy gõ tên đầy đủ (bắt đầu bằng «Sở», «UBND xã», «UBND phường», «Ban»…), hoặc /huy để thôi."
)
UNIT_NAME_TOO_LONG = "Tên đơn vị quá dài (tối đa 120 ký tự). Gõ lại, hoặc /huy để thôi."
SKIPPED_UNIT = (
    "Đã chọn <b>{plan}</b>, chưa đăng ký đơn vị. Bạn có thể hỏi ngay; dùng /donvi khi muốn "
    "đăng ký làm đầu mối của một đơn vị."
)
REQUEST_SENT = (
    "Đã gửi đề nghị đăng ký bạn làm đầu mối của <b>{unit}</b> ({plan}). Quản trị viên của cơ quan "
    "Thường trực sẽ duyệt; trong lúc chờ, bạn vẫn có thể hỏi đáp.\n\n"
    "Hãy gõ câu hỏi, ví dụ: <i>{example}</i>"
)
EXAMPLE_QUESTION = "Đơn vị tôi có nhiệm vụ gì?"
INVITE_OK = (
    "Chào mừng {name}! Bạn đã được đăng ký làm đầu mối của <b>{unit}</b> ({plan}).\n\n"
    "/nhiemvu xem nhiệm vụ, /hanchot xem hạn chót, hoặc gõ câu hỏi bất kỳ."
)
INVITE_UNKNOWN = "Mã mời không hợp lệ. Hãy kiểm tra lại liên kết, hoặc dùng /start để tự đăng ký."
INVITE_USED = "Mã mời này đã được dùng. Mỗi mã chỉ dùng một lần; hãy xin quản trị viên mã mới."
INVITE_EXPIRED = "Mã mời này đã hết hạn. Hãy xin quản trị viên mã mới."
CANCELLED = "Đã hủy. Bạn có thể gõ câu hỏi, hoặc dùng /help để xem các lệnh."
NOTHING_TO_CANCEL = "Không có thao tác nào đang làm. Gõ câu hỏi, hoặc /help để xem các lệnh."
UNKNOWN_PLAN_BUTTON = "Kế hoạch này không còn trong hệ thống. Hãy chọn lại bằng /start."
UNKNOWN_UNIT_BUTTON = "Đơn vị này không còn trong danh sách. Hãy chọn lại bằng /donvi."
CHOOSE_PLAN_FIRST = "Hãy chọn kế hoạch trước: /start."

# --- help -----------------------------------------------------------------------------------------
HELP = (
    "<b>Trợ lý bảo vệ bí mật nhà nước</b>\n\n"
    "Gõ câu hỏi bằng tiếng Việt (có dấu hoặc không dấu), ví dụ:\n"
    "• <i>Sở Tài chính có nhiệm vụ gì?</i>\n"
    "• <i>han gui ke hoach la ngay nao</i>\n"
    "• <i>Thời hạn bảo vệ bí mật Tối mật bao lâu?</i>\n\n"
    "Các lệnh:\n"
    "/nhiemvu — nhiệm vụ của đơn vị tôi\n"
    "/hanchot — hạn chót sắp tới và đã quá hạn\n"
    "/baocao — báo cáo tiến độ một nhiệm vụ (/baocao lichsu: các báo cáo đã gửi)\n"
    "/nhacviec — nhắc việc: xem, tắt/bật, đổi số ngày nhắc\n"
    "/lienhe — liên hệ cơ quan Thường trực\n"
    "/donvi — đổi đơn vị · /start — chọn lại kế hoạch · /huy — hủy thao tác\n\n"
    "Kế hoạch đang chọn: <b>{plan}</b>. Đơn vị: <b>{unit}</b>.\n\n"
    "⚠️ Không gửi nội dung, tệp, ảnh tài liệu bí mật nhà nước qua Telegram; câu trả lời chỉ để "
    "tham khảo, văn bản chính thức có giá trị ưu tiên."
)
HELP_ADMIN = (
    "\n\n<b>Quản trị viên</b>: /duyet — duyệt đầu mối · /moi &lt;đơn vị&gt; — liên kết mời · "
    "/themdonvi &lt;tên&gt; — thêm đơn vị · /chuatraloi — câu hỏi chưa trả lời được · "
    "/tonghop [kế hoạch] — tổng hợp tiến độ · /xuat [kế hoạch] — bảng Excel, CSV và biểu đồ · "
    "/thongbao [kế hoạch] &lt;nội dung&gt; — thông báo tới các đầu mối"
)
NO_PLAN = "chưa chọn"
NO_UNIT = "chưa đăng ký"
PENDING_SUFFIX = " (chờ duyệt)"
UNKNOWN_COMMAND = "Tôi không có lệnh {command}. Dùng /help để xem các lệnh, hoặc gõ câu hỏi."

# --- answers ------------------------------------------------------------------------------------------
FEEDBACK_UP = "👍 Hữu ích"
FEEDBACK_DOWN = "👎 Chưa đúng"
FEEDBACK_THANKS = "Cảm ơn bạn đã góp ý!"
SUGGESTION_GONE = "Câu hỏi gợi ý này không còn; hãy gõ lại câu hỏi."
QUESTION_TOO_LONG = (
    "Câu hỏi dài quá ({length} ký tự). Hãy hỏi ngắn gọn (tối đa {limit} ký tự), mỗi lần một ý."
)
EMPTY_TEXT = "Hãy gõ câu hỏi bằng chữ, ví dụ: <i>Sở Tài chính có nhiệm vụ gì?</i>"

# --- my unit ----------------------------------------------------------------------------------------
NEED_UNIT = (
    "Bạn chưa là đầu mối của đơn vị nào. Dùng /donvi để chọn đơn vị, hoặc mở liên kết mời do "
    "quản trị viên gửi."
)
NEED_APPROVAL = (
    "Đề nghị làm đầu mối của <b>{unit}</b> đang chờ quản trị viên duyệt. Trong lúc chờ, đây là "
    "thông tin chung theo đơn vị bạn chọn:"
)
DEADLINES_HEADER = "<b>Hạn chót của {unit}</b> theo {plan}:"
DEADLINES_OVERDUE = "<b>Đã qua hạn</b> (nếu đơn vị đã hoàn thành, bỏ qua dòng này):"
DEADLINES_UPCOMING = "<b>Sắp tới</b>:"
NO_UPCOMING = "Không có hạn nào sắp tới (trong 12 tháng tới)."
DEADLINE_LINE = "• {due} — {title} ({relative}) · <i>{source}</i>"
NO_DEADLINES = "Không có hạn chót nào của {unit} trong {plan}."
DAYS_LEFT = "còn {days} ngày"
DUE_TODAY = "hôm nay"
DAYS_PAST = "quá {days} ngày"
YEARLY = ", hằng năm"
CONTACT_HEADER = "<b>Liên hệ cơ quan Thường trực</b>"

# --- admin ------------------------------------------------------------------------------------------
ADMIN_ONLY = "Lệnh này chỉ dành cho quản trị viên của cơ quan Thường trực."
NO_PENDING = "Không có đề nghị đăng ký đầu mối nào đang chờ."
PENDING_HEADER = "<b>Đề nghị đang chờ duyệt</b> ({count}):"
PENDING_LINE = "{name}{username} — <b>{unit}</b> ({plan}), gửi {when}"
APPROVE_BUTTON = "✅ Duyệt"
REJECT_BUTTON = "❌ Từ chối"
APPROVED = "✅ Đã duyệt: {name} — {unit} ({plan})."
REJECTED = "❌ Đã từ chối: {name} — {unit} ({plan})."
ALREADY_DECIDED = "Đề nghị này đã được xử lý trước đó."
CONTACT_NOT_FOUND = "Không tìm thấy đề nghị này."
YOU_ARE_APPROVED = (
    "✅ Bạn đã được duyệt làm đầu mối của <b>{unit}</b> ({plan}). /nhiemvu xem nhiệm vụ, "
    "/hanchot xem hạn chót."
)
YOU_ARE_REJECTED = (
    "Đề nghị làm đầu mối của <b>{unit}</b> chưa được duyệt. Nếu cần, hãy liên hệ cơ quan "
    "Thường trực (/lienhe)."
)
NEW_REQUEST_FOR_ADMINS = "🔔 Đề nghị mới: {name}{username} — <b>{unit}</b> ({plan}). /duyet để xem."
INVITE_USAGE = (
    "Cách dùng: <code>/moi [kế hoạch] &lt;tên đơn vị&gt;</code>, ví dụ "
    "<code>/moi lang-son Sở Y tế</code>. Các kế hoạch: {plans}."
)
INVITE_CREATED = (
    "Liên kết mời cho <b>{unit}</b> ({plan}), dùng một lần, hết hạn {expires}:\n{link}\n\n"
    "Gửi liên kết này cho cán bộ đầu mối; khi mở, họ được đăng ký ngay."
)
ADD_UNIT_USAGE = (
    "Cách dùng: <code>/themdonvi [kế hoạch] &lt;tên đơn vị&gt;</code>, ví dụ "
    "<code>/themdonvi lang-son UBND phường Đông Kinh</code>. Nhiều đơn vị: dùng lệnh "
    "<code>python -m bot units import</code> với tệp CSV."
)
UNIT_ADDED = "Đã thêm đơn vị <b>{unit}</b> ({plan})."
UNIT_EXISTS = "Đơn vị <b>{unit}</b> đã có trong danh sách ({plan})."
UNIT_BAD_NAME = "Tên đơn vị không hợp lệ (cần chữ, tối đa 120 ký tự)."
ALL_PLANS = "mọi kế hoạch"
NO_UNANSWERED = "Không có câu hỏi nào chưa trả lời được gần đây."
UNANSWERED_HEADER = "<b>Câu hỏi chưa trả lời được</b> (mới nhất trước, {count}):"
UNANSWERED_LINE = "• {when} [{plan}] {question}"

# --- leak guard -------------------------------------------------------------------------------------
LEAK_ATTACHMENT = (
    "⚠️ Tôi không nhận {kind} và không tải về. Không gửi tài liệu, ảnh chụp, ghi âm có nội dung bí mật "
    "nhà nước qua Telegram: {law} Nếu cần trao đổi tài liệu, hãy liên hệ cơ quan Thường trực "
    "(/lienhe)."
)
LEAK_MARKED = (
    "⚠️ Tin nhắn có dấu chỉ độ mật nên không được lưu{deleted}. Không gửi nội dung bí mật nhà nước "
    "qua Telegram: {law} Nếu bạn muốn hỏi về độ mật, hãy hỏi mà không chép nội dung tài liệu, ví "
    "dụ: <i>tài liệu tối mật được bảo vệ bao lâu?</i>"
)
LEAK_DELETED = " và đã bị xóa khỏi cuộc trò chuyện"
LEAK_LAW = (
    "{law_new} nghiêm cấm thu thập, trao đổi, cung cấp, chuyển giao bí mật nhà nước trái pháp luật "
    "(trước ngày 01/3/2026, {law_old} cấm truyền đưa bí mật nhà nước trên phương tiện thông tin, "
    "viễn thông trái quy định về cơ yếu)."
)
ATTACHMENT_KINDS = {
    "photo": "ảnh",
    "document": "tệp",
    "voice": "tin nhắn thoại",
    "audio": "tệp âm thanh",
    "video": "video",
    "video_note": "video tròn",
    "animation": "ảnh động",
    "sticker": "nhãn dán",
    "forward": "tin nhắn chuyển tiếp",
    "contact": "danh bạ",
    "location": "vị trí",
    "other": "nội dung này",
}

# --- robustness -----------------------------------------------------------------------------------
FLOOD = "Bạn gửi nhanh quá. Xin chờ khoảng một phút rồi hỏi tiếp."
STALE_BUTTON = "Nút này đã cũ hoặc không hợp lệ. Hãy gõ lại câu hỏi, hoặc dùng /help."
NOT_YOURS = "Nút này không dành cho bạn."
ERROR = (
    "Xin lỗi, đã có lỗi khi xử lý yêu cầu của bạn. Vui lòng thử lại sau; nếu lỗi lặp lại, hãy "
    "báo quản trị viên."
)
GROUP_CHAT = "Tôi chỉ làm việc trong trò chuyện riêng. Hãy nhắn riêng cho tôi."
