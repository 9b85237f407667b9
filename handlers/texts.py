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
    ("doiten", "Đổi tên một đơn vị"),
    ("xoadonvi", "Xóa một đơn vị khỏi danh mục"),
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
CONFIRM_REQUEST = (
    "Kiểm tra lại trước khi gửi đề nghị làm đầu mối:\n"
    "• Kế hoạch: <b>{plan}</b>\n"
    "• Đơn vị: <b>{unit}</b>\n\n"
    "Đúng thì bấm «Xác nhận»; sai thì bấm «Chọn lại» (đổi kế hoạch: /start)."
)
CONFIRM_BUTTON = "✅ Xác nhận"
CHOOSE_AGAIN_BUTTON = "↩️ Chọn lại"
STALE_CHOICE = "Lựa chọn này đã cũ hoặc đã được xử lý. Dùng /donvi để chọn lại."
ALREADY_CONTACT = "Bạn đã là đầu mối của {unit} trong kế hoạch này; không cần gửi lại."
UNIT_RETIRED = "Đơn vị «{name}» đã bị xóa khỏi danh mục. Gõ tên khác, hoặc /huy để thôi."
REQUEST_SENT = (
    "Đã gửi đề nghị đăng ký bạn làm đầu mối của <b>{unit}</b> ({plan}). Quản trị viên của cơ quan "
    "Thường trực sẽ duyệt; trong lúc chờ, bạn vẫn có thể hỏi đáp.{kept}\n\n"
    "Hãy gõ câu hỏi, ví dụ: <i>{example}</i>"
)
REQUEST_KEEPS_UNIT = " Đến khi đề nghị được duyệt, bạn vẫn là đầu mối của <b>{unit}</b>."
UNIT_CURRENT = "Đơn vị hiện tại của bạn: <b>{unit}</b> ({plan})."
UNIT_PENDING = "Đề nghị đang chờ duyệt: <b>{unit}</b> ({plan})."
UNIT_NONE = "Bạn chưa đăng ký làm đầu mối của đơn vị nào."
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
    "/themdonvi &lt;tên&gt; — thêm đơn vị · /doiten &lt;tên cũ&gt; | &lt;tên mới&gt; — đổi tên · "
    "/xoadonvi &lt;tên&gt; — xóa đơn vị · /chuatraloi — câu hỏi chưa trả lời được · "
    "/tonghop [kế hoạch] — tổng hợp tiến độ · /xuat [kế hoạch] — bảng Excel, CSV và biểu đồ · "
    "/thongbao [kế hoạch] &lt;nội dung&gt; — thông báo tới các đầu mối"
)
NO_PLAN = "chưa chọn"
NO_NAME = "(không có tên)"  # a user whose profile name is empty or was refused by the leak guard
NO_NAME_GREETING = "bạn"
PERSON = "{name}{username}, id {id}"
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
DUTIES_HEADER = "<b>Nhiệm vụ của {unit}</b> theo {plan} — {count} nhiệm vụ, trang {page}/{pages}:"
DUTIES_OWN = "<b>Giao riêng cho {unit}</b>"
DUTIES_GROUP = "<b>Giao cho: {group}</b>"
DUTIES_SUPPORT = "<b>Phối hợp với đơn vị chủ trì</b> (đơn vị chủ trì báo cáo)"
DUTY_LINE = "{number}. <b>{title}</b> ({ref}){body}"
DUTY_DUE = "\n   ⏰ {due}"
DUTIES_SOURCE = "<i>Nguồn: {plan}, {refs}.</i>"
MORE_BUTTON = "Xem thêm ({shown}/{count})"
NO_DUTIES = "{plan} không giao nhiệm vụ nào cho {unit} hay nhóm đơn vị của đơn vị."
DUTIES_GONE = "Danh sách này đã cũ (đơn vị hoặc kế hoạch đã đổi). Gõ /nhiemvu để xem lại."
DEADLINES_HEADER = "<b>Hạn chót của {unit}</b> theo {plan}:"
DEADLINES_OVERDUE = "<b>Đã qua hạn</b> (nếu đơn vị đã hoàn thành, bỏ qua dòng này):"
DEADLINES_UPCOMING = "<b>Sắp tới</b>:"
NO_UPCOMING = "Không có hạn nào sắp tới (trong 12 tháng tới)."
DEADLINE_LINE = "• {due} — {title} ({relative}) · <i>{source}</i>"
NO_DEADLINES = "Không có hạn chót nào của {unit} trong {plan}."
YEARLY = ", hằng năm"
CONTACT_HEADER = "<b>Liên hệ cơ quan Thường trực</b>"

# --- admin ------------------------------------------------------------------------------------------
ADMIN_ONLY = "Lệnh này chỉ dành cho quản trị viên của cơ quan Thường trực."
NO_PENDING = "Không có đề nghị đăng ký đầu mối nào đang chờ."
PENDING_HEADER = "<b>Đề nghị đang chờ duyệt</b> ({count}):"
PENDING_LINE = "{who} — <b>{unit}</b> ({plan}), gửi {when}"
APPROVE_BUTTON = "✅ Duyệt"
REJECT_BUTTON = "❌ Từ chối"
APPROVED = "✅ Đã duyệt: {who} — {unit} ({plan})."
REJECTED = "❌ Đã từ chối: {who} — {unit} ({plan})."
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
NEW_REQUEST_FOR_ADMINS = "🔔 Đề nghị mới: {who} — <b>{unit}</b> ({plan}). /duyet để xem."
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
UNIT_LABEL = "<b>{unit}</b> ({plan})"
UNIT_ADD_CONFIRM = "Thêm đơn vị <b>{unit}</b> ({plan}) vào danh mục.\nNhóm: <b>{group}</b>."
UNIT_ADD_RESTORES = "\nĐơn vị này đã bị xóa trước đây; xác nhận sẽ khôi phục nó cùng lịch sử báo cáo."
NO_GROUP = "chưa chọn"
UNIT_CHOOSE_GROUP = (
    "\n\nChọn nhóm của đơn vị (đơn vị nhận nhiệm vụ chung của nhóm và có mặt trong /tonghop, "
    "/xuat):"
)
UNIT_GROUP_CHOSEN = "\n\nĐúng thì bấm «Xác nhận»; muốn đổi nhóm thì bấm nhóm khác."
CANCEL_BUTTON = "Hủy"
UNIT_ADDED = "Đã thêm đơn vị {unit}, nhóm <b>{group}</b>."
UNIT_DUPLICATE = "Không thêm: «{name}» đã có trong danh mục là {existing}."
UNIT_NEAR_DUPLICATE = (
    "Không thêm: «{name}» gần giống đơn vị đã có {existing}. Nếu đó là cùng đơn vị, hãy dùng tên "
    "đã có (đổi tên: /doiten)."
)
UNIT_NEAR_DUPLICATE_ASK = (
    "⚠️ Chưa thêm: «{name}» gần giống đơn vị đã có {existing}. Nếu đó là cùng đơn vị, hãy dùng tên "
    "đã có (đổi tên: /doiten) và bấm «Hủy». Chỉ khi đây thực sự là một đơn vị khác, hãy chọn nhóm "
    "rồi bấm «Vẫn thêm».\n\n"
)
UNIT_SIMILAR_NOTE = "\n⚠️ Tên này gần giống một đơn vị đã có; chỉ thêm nếu đây thực sự là đơn vị khác."
ADD_ANYWAY_BUTTON = "Vẫn thêm (đơn vị khác)"
UNIT_IS_GROUP = "«{name}» là tên một nhóm đơn vị, không phải một đơn vị cụ thể. Hãy gõ tên đầy đủ."
UNIT_ALREADY_REMOVED = "Đơn vị «{name}» đã bị xóa khỏi danh mục trước đó."
UNIT_NOT_REGISTERED = "Không có đơn vị «{name}» trong danh mục."
UNIT_AMBIGUOUS = "Có nhiều đơn vị «{name}» ở các kế hoạch khác nhau; hãy ghi kế hoạch trước tên."
UNIT_CLOSE_ADMIN = " Gần giống: {close}."
UNIT_CHANGE_REFUSED = {
    "kb": (
        "Đơn vị này thuộc cơ sở tri thức (theo kế hoạch); đổi tên hoặc bỏ đơn vị trong "
        "knowledge/content/units.md rồi chạy python -m bot kb check."
    ),
    "retired": "Đơn vị này đã bị xóa khỏi danh mục.",
    "bad_group": "Nhóm này không có trong danh mục nhóm.",
    "no_group": "Hãy chọn nhóm của đơn vị trước khi xác nhận.",
}
REMOVE_UNIT_USAGE = (
    "Cách dùng: <code>/xoadonvi [kế hoạch] &lt;tên đơn vị&gt;</code>, ví dụ "
    "<code>/xoadonvi lang-son UBND xã Tân Thành</code>."
)
RENAME_UNIT_USAGE = (
    "Cách dùng: <code>/doiten [kế hoạch] &lt;tên cũ&gt; | &lt;tên mới&gt;</code>, ví dụ "
    "<code>/doiten lang-son UBND xã Tân Thanh | UBND xã Tân Thành</code>."
)
RENAME_SEPARATORS = ("|", "=>", "->", "→")
UNIT_REMOVE_CONFIRM = (
    "Xóa đơn vị {unit} khỏi danh mục? Đơn vị không còn trong danh sách đăng ký, /tonghop và "
    "/xuat; các báo cáo cũ và nhật ký vẫn giữ nguyên. Đầu mối của đơn vị thôi đăng ký và không "
    "nhận nhắc việc nữa."
)
UNIT_RENAME_CONFIRM = (
    "Đổi tên đơn vị {unit} thành <b>{new}</b>? Các báo cáo, đầu mối và liên kết mời của đơn vị "
    "được giữ nguyên."
)
UNIT_REMOVED = "Đã xóa đơn vị {unit} khỏi danh mục ({count} đầu mối thôi đăng ký)."
UNIT_RENAMED = "Đã đổi tên «{old}» thành {unit}."
UNIT_CHANGE_CANCELLED = "Đã hủy; danh mục đơn vị không thay đổi."
UNIT_REMOVED_FOR_CONTACT = (
    "Đơn vị của bạn đã được cơ quan Thường trực xóa khỏi danh mục, nên bạn không còn là đầu mối "
    "và không nhận nhắc việc của đơn vị đó. Dùng /donvi để chọn đơn vị khác."
)
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
