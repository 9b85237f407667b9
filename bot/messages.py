"""Vietnamese text of the command line and the console, in one place for review."""

CLI_DESCRIPTION = (
    "Trợ lý bảo vệ bí mật nhà nước: hỏi đáp về kế hoạch và pháp luật, hạn chót, kiểm tra cơ sở "
    "tri thức."
)
BAD_DATE = "ngày không hợp lệ: {value!r} (cần dạng YYYY-MM-DD)"
EMPTY_QUESTION = "Lỗi: câu hỏi trống. Ví dụ: python -m bot ask \"Bí mật nhà nước là gì?\""
BATCH_AND_QUESTION = "Lỗi: dùng hoặc một câu hỏi, hoặc --batch FILE, không dùng cả hai."
BATCH_UNREADABLE = "Lỗi: không đọc được tệp {path}: {error}"
BATCH_NOT_OBJECT = "dòng không phải một đối tượng JSON"
BATCH_NO_QUESTION = "thiếu 'question' hoặc câu hỏi trống"
BATCH_BAD_PLAN = "'plan' phải là slug kế hoạch hoặc null"
BATCH_BAD_UNIT = "'unit' phải là tên đơn vị (chuỗi không rỗng) hoặc null"
BATCH_LINE_ERROR = "dòng {line}: {error}"
BATCH_FAILED = "{count} dòng không hợp lệ (xem các đối tượng có khóa 'error')."
UNKNOWN_PLAN = "Lỗi: không có kế hoạch {plan!r}. Các kế hoạch: {plans}."
UNKNOWN_UNIT = "Lỗi: không tìm thấy đơn vị {unit!r}. Gần giống: {close}."
KB_INVALID = "Cơ sở tri thức không hợp lệ; chạy 'python -m bot kb check' để xem chi tiết:"
KB_PROBLEMS = "{count} lỗi trong cơ sở tri thức."
KB_OK = "Cơ sở tri thức hợp lệ: {documents} văn bản, {entries} mục."
NO_DEADLINES = "Không có hạn chót nào phù hợp."
PAST = "đã qua"
UPCOMING = "sắp tới"
YEARLY = " (hằng năm)"
ASK_MARKED = (
    "⚠️ Câu hỏi có dấu chỉ độ mật nên không được trả lời và không được lưu. Không đưa nội dung bí "
    "mật nhà nước vào hệ thống này: {law_new} nghiêm cấm thu thập, trao đổi, cung cấp, chuyển giao "
    "bí mật nhà nước trái pháp luật (trước ngày 01/3/2026, {law_old} cấm truyền đưa bí mật nhà nước "
    "trên phương tiện thông tin, viễn thông trái quy định về cơ yếu). Nếu muốn hỏi về độ mật, hãy "
    "hỏi mà không chép nội dung tài liệu, ví dụ: \"tài liệu tối mật được bảo vệ bao lâu?\""
)
SUGGESTIONS = "Câu hỏi liên quan (gõ số để chọn):"
BAD_CHOICE = "Hãy gõ một số từ 1 đến {count}, hoặc nhập câu hỏi mới."
BAD_SETTING = "Lỗi cấu hình: {error}"
NO_TOKEN_CONSOLE = "Chưa đặt TELEGRAM_BOT_TOKEN: mở chế độ console trên terminal."
CONSOLE_WELCOME = (
    "Trợ lý bảo vệ bí mật nhà nước — chế độ console.\n"
    "Gõ câu hỏi (có dấu hoặc không dấu). /kehoach <slug> để chọn kế hoạch ({plans}), "
    "/help để xem hướng dẫn, /thoat để thoát."
)
CONSOLE_USER = "Cán bộ {id}"  # a console user the database knows no name for
PLAN_SET = "Đã chọn kế hoạch: {plan}."
ALL_PLANS = "tất cả"
