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
SUGGESTIONS = "Câu hỏi liên quan (gõ số để chọn):"
PICK_SUGGESTION = "Gõ số để chọn một câu hỏi gợi ý."
BAD_CHOICE = "Hãy gõ một số từ 1 đến {count}, hoặc nhập câu hỏi mới."
TELEGRAM_NOT_READY = (
    "Chế độ Telegram chưa có trong phiên bản này. Bỏ TELEGRAM_BOT_TOKEN để dùng console, "
    "hoặc chạy 'python -m bot console'."
)
NO_TOKEN_CONSOLE = "Chưa đặt TELEGRAM_BOT_TOKEN: mở chế độ console trên terminal."
CONSOLE_WELCOME = (
    "Trợ lý bảo vệ bí mật nhà nước — chế độ console.\n"
    "Gõ câu hỏi (có dấu hoặc không dấu). /kehoach <slug> để chọn kế hoạch ({plans}), "
    "/help để xem hướng dẫn, /thoat để thoát."
)
CONSOLE_HELP = (
    "Hỏi về nhiệm vụ, hạn chót, liên hệ trong các kế hoạch ({plans}) và về Luật Bảo vệ bí mật "
    "nhà nước. Ví dụ: \"Sở Tài chính có nhiệm vụ gì?\", \"hạn gửi kế hoạch là ngày nào?\", "
    "\"thời hạn bảo vệ bí mật tối mật bao lâu\".\n"
    "/kehoach <slug> chọn kế hoạch; /kehoach để bỏ chọn; /thoat để thoát."
)
PLAN_SET = "Đã chọn kế hoạch: {plan}."
ALL_PLANS = "tất cả"
