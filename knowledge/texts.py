"""Every Vietnamese sentence the answering feature shows, in one place for review."""

EMPTY_QUESTION = "Bạn chưa nhập câu hỏi. Hãy gõ câu hỏi về kế hoạch hoặc pháp luật bảo vệ bí mật nhà nước."

NOT_FOUND = (
    "Xin lỗi, tôi không tìm thấy câu trả lời cho câu hỏi này trong các kế hoạch và văn bản "
    "pháp luật về bảo vệ bí mật nhà nước mà tôi được cung cấp."
)
MAYBE_YOU_MEANT = "Có thể bạn muốn hỏi:"
OFFICE_PROVINCE = "Công an tỉnh"
# Named after the office only where the plan itself names it (Lạng Sơn, Lào Cai).
OFFICE_DEPARTMENT = "Phòng An ninh chính trị nội bộ"
OFFICE_CONTACT = (
    "Để được hướng dẫn thêm, hãy liên hệ cơ quan Thường trực Ban Chỉ đạo công tác bảo vệ bí mật "
    "nhà nước ({office})."
)
OFFICE_CONTACT_PHONES = (
    "Để được hướng dẫn thêm, hãy liên hệ cơ quan Thường trực Ban Chỉ đạo ({office}): {phones} "
    "(theo {plan})."
)

SOURCE_LINE = "Nguồn: {sources}."
PHONES = "Điện thoại: {phones}."
LEGAL_NOTE = (
    "_Lưu ý: đây là nội dung tóm tắt để tham khảo; văn bản chính thức của kế hoạch và văn bản "
    "pháp luật có giá trị ưu tiên._"
)
UNIT_NOW_IS = (
    "Lưu ý: {old} nay là {new} (sau sắp xếp tổ chức, từ ngày {since}); câu trả lời dưới đây theo "
    "nhiệm vụ của {new}."
)

# Where a cited legal document stands on the day of the question (knowledge/status.py).
STATUS_IN_FORCE = "Quy định này theo {doc} (có hiệu lực từ {since})."
STATUS_IN_FORCE_UNDATED = "Quy định này theo {doc}."
STATUS_NOT_YET = "Lưu ý: {doc} chưa có hiệu lực; văn bản có hiệu lực từ ngày {since}."
STATUS_UNTIL_THEN = "Đến trước ngày đó vẫn áp dụng {predecessor}."
STATUS_REPLACED = (
    "Lưu ý: đây là quy định của {doc}, đã hết hiệu lực sau ngày {ended} và được thay thế bởi "
    "{successor} (có hiệu lực từ {since}); cần đối chiếu với quy định mới."
)
STATUS_ALSO_REPLACED = (
    "Phần dẫn từ {doc} là quy định của văn bản cũ (hết hiệu lực sau ngày {ended}, thay bằng "
    "{successor}); cần đối chiếu với quy định mới."
)
STATUS_ENDED = "Lưu ý: {doc} đã hết hiệu lực sau ngày {ended}; cần đối chiếu với văn bản đang có hiệu lực."
STATUS_ENDED_UNDATED = "Lưu ý: {doc} không còn hiệu lực; cần đối chiếu với văn bản đang có hiệu lực."
STATUS_GUIDES_ENDED = (
    "Lưu ý: {doc} hướng dẫn {law}, luật này đã hết hiệu lực sau ngày {ended} và được thay thế bởi "
    "{successor}; chưa xác nhận được {doc} còn được áp dụng hay đã được thay thế, cần đối chiếu "
    "văn bản hướng dẫn luật mới."
)
STATUS_NEWER_GUIDES = "Văn bản hướng dẫn luật mới đã biết: {newer}."
STATUS_UNCONFIRMED = (
    "Lưu ý: chưa xác nhận được tình trạng hiệu lực hiện nay của {doc}; cần đối chiếu văn bản gốc."
)

DUE_ONCE = "Hạn: {due} — {relative}."
DUE_MONTH = "hết tháng {month} ({date})"
DUE_YEARLY = "Hạn: ngày {day} hằng năm; lần tới: {next} — {relative}."
DAYS_LEFT = "còn {days} ngày"
DUE_TODAY = "hạn là hôm nay"
DAYS_PAST = "đã qua hạn {days} ngày"

DUTIES_HEADER = "**Nhiệm vụ của {unit}** theo {plan}:"
GROUP_DUTIES_HEADER = "Ngoài ra, đơn vị còn thực hiện các nhiệm vụ chung giao cho nhóm đơn vị của mình:"
GROUP_DUTIES_ONLY = "Đơn vị thực hiện các nhiệm vụ chung giao cho nhóm đơn vị của mình:"
NO_DUTIES = "Kế hoạch này không giao nhiệm vụ riêng cho đơn vị này hay nhóm đơn vị của nó."
MORE_DUTIES = "… và {count} nhiệm vụ khác (hỏi cụ thể hơn để xem)."

DEADLINES_HEADER = "**Hạn chót của {unit}** theo {plan}, gần nhất trước:"
DEADLINES_UPCOMING = "Sắp tới:"
DEADLINES_PAST = "Đã qua:"
DEADLINE_OF_GROUP = " — hạn chung của nhóm đơn vị"
NO_DEADLINES = "Kế hoạch này không đặt hạn nào cho đơn vị này hay nhóm đơn vị của nó."

WHICH_UNIT = (
    "Tôi chưa biết bạn là đầu mối của đơn vị nào, nên chưa trả lời được câu hỏi về \"đơn vị "
    "tôi\". Hãy dùng /donvi để chọn đơn vị (hoặc mở liên kết mời do quản trị viên gửi), hoặc hỏi "
    "kèm tên đơn vị, ví dụ: \"Sở Y tế có nhiệm vụ gì?\"."
)

# A wrong or unsupported premise, said before the answer.
PLAN_SETS_NO_DATE = (
    "**Lưu ý:** {plan} không quy định hạn {date} cho nội dung này. Dưới đây là những gì nguồn "
    "nêu."
)
PLAN_SETS_NO_DEADLINE = (
    "**Lưu ý:** {plan} không quy định hạn cụ thể cho nội dung này. Dưới đây là những gì nguồn nêu."
)
PLAN_GIVES_NO_PHONE = (
    "**Lưu ý:** {plan} không ghi số điện thoại liên hệ. Hãy liên hệ cơ quan Thường trực Ban Chỉ "
    "đạo theo đầu mối kế hoạch nêu dưới đây."
)
NO_FINE_IN_LAW = (
    "**Lưu ý:** Luật Bảo vệ bí mật nhà nước không quy định mức phạt: luật quy định các hành vi bị "
    "nghiêm cấm và trách nhiệm bảo vệ. Việc xử lý vi phạm (kỷ luật, xử phạt hành chính, truy cứu "
    "trách nhiệm hình sự) do văn bản khác quy định: Bộ luật Hình sự (Điều 337, Điều 338) và nghị "
    "định xử phạt vi phạm hành chính."
)
NO_FINE_TITLE = "Luật không quy định mức phạt"
PLAN_LACKS_IT = "**Lưu ý:** {plan} không nêu nội dung như câu hỏi."
PLAN_NOT_ASSIGNED = (
    "**Lưu ý:** {plan} không giao việc này cho {unit}; nội dung kế hoạch nêu như sau."
)
