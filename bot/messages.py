"""Vietnamese text of the command line and the console, in one place for review."""

CLI_DESCRIPTION = (
    "Trợ lý bảo vệ bí mật nhà nước: hỏi đáp về kế hoạch và pháp luật, hạn chót, kiểm tra cơ sở "
    "tri thức."
)
BAD_DATE = "ngày không hợp lệ: {value!r} (cần dạng dd/mm/yyyy hoặc YYYY-MM-DD, ví dụ 02/12/2026)"
HELP_AFTER = "chỉ các hạn từ ngày này (dd/mm/yyyy hoặc YYYY-MM-DD)"
DATE_METAVAR = "NGÀY"

# argparse's own words. Its error messages are matched in English (the pattern) and given in
# Vietnamese; `message` is translated again (an argument's own error).
USAGE_PREFIX = "cách dùng: "
USAGE_ERROR = "{prog}: lỗi: {message}\n"
HELP_POSITIONALS = "tham số"
HELP_OPTIONALS = "tùy chọn"
HELP_HELP = "hiện hướng dẫn này rồi thoát"
ARGPARSE_ERRORS = (
    (r"the following arguments are required: (?P<names>.*)", "thiếu tham số bắt buộc: {names}"),
    (r"unrecognized arguments: (?P<args>.*)", "không nhận ra tham số: {args}"),
    (r"one of the arguments (?P<names>.*) is required", "cần một trong các tham số: {names}"),
    (r"ambiguous option: (?P<option>.*) could match (?P<matches>.*)",
     "tùy chọn {option} không rõ, có thể là: {matches}"),
    (r"argument (?P<name>.+?): (?P<message>.*)", "tham số {name}: {message}"),
    (r"invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)",
     "lựa chọn không hợp lệ: {value} (chọn một trong: {choices})"),
    (r"invalid (?P<type>\S+) value: (?P<value>.*)", "giá trị không hợp lệ: {value}"),
    (r"expected one argument", "cần một giá trị"),
    (r"expected at most one argument", "chỉ nhận tối đa một giá trị"),
    (r"expected at least one argument", "cần ít nhất một giá trị"),
    (r"expected (?P<count>\d+) arguments?", "cần {count} giá trị"),
    (r"not allowed with argument (?P<name>.*)", "không dùng cùng tham số {name}"),
    (r"ignored explicit argument (?P<value>.*)", "tùy chọn này không nhận giá trị {value}"),
    (r"unexpected option string: (?P<option>.*)", "tùy chọn không mong đợi: {option}"),
)
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
# A database that cannot be used (`bot.db.faults`): one line each, naming the cause and the
# setting or file. `target` is the file (SQLite) or host:port/database (PostgreSQL).
DATABASE_FAULTS = {
    "bad_url": ("Lỗi cấu hình: DATABASE_URL không phải địa chỉ cơ sở dữ liệu dùng được (kiểu "
                "{target!r}); cần dạng sqlite:///var/bmnn.sqlite3 hoặc "
                "postgresql+psycopg://người_dùng@máy_chủ/tên_csdl."),
    "no_driver": ("Lỗi cấu hình: DATABASE_URL cần gói Python {detail!r} mà máy này chưa cài "
                  "(PostgreSQL: pip install -e .[postgres])."),
    "locked": ("Lỗi: cơ sở dữ liệu {target} (DATABASE_URL) bị một tiến trình khác giữ khóa ghi quá "
               "{seconds} giây; không có gì thay đổi, hãy chạy lại sau."),
    "not_database": ("Lỗi: tệp {target} (DATABASE_URL) không phải cơ sở dữ liệu SQLite; kiểm tra "
                     "đường dẫn, hoặc khôi phục tệp từ bản sao lưu."),
    "truncated": ("Lỗi: tệp cơ sở dữ liệu {target} (DATABASE_URL) bị cắt cụt, ngắn hơn kích thước "
                  "ghi trong chính tệp; khôi phục tệp từ bản sao lưu."),
    "corrupt": ("Lỗi: tệp cơ sở dữ liệu {target} (DATABASE_URL) bị hỏng; khôi phục tệp từ bản "
                "sao lưu."),
    "full": ("Lỗi: ổ đĩa chứa cơ sở dữ liệu {target} (DATABASE_URL) đã đầy nên không ghi được; "
             "không có gì thay đổi, hãy giải phóng dung lượng rồi chạy lại."),
    "unwritable": ("Lỗi: không tạo, mở hoặc ghi được tệp cơ sở dữ liệu {target} (DATABASE_URL); "
                   "kiểm tra thư mục và quyền ghi."),
    "unreachable": "Lỗi: không kết nối được PostgreSQL tại {target} (DATABASE_URL): {detail}.",
    "rejected": "Lỗi: PostgreSQL tại {target} (DATABASE_URL) từ chối kết nối: {detail}",
}
# Why PostgreSQL did not answer, by `bot.db.faults` detail code; anything else is shown as is.
POSTGRES_UNREACHABLE = {
    "refused": "không có máy chủ nào nhận kết nối ở địa chỉ và cổng này (PostgreSQL đã chạy chưa?)",
    "timeout": "máy chủ không trả lời trong {seconds} giây",
    "unknown_host": "không tìm thấy máy chủ có tên này",
}
TELEGRAM_UNREACHABLE_LOCAL = ("Lỗi: không kết nối được Bot API tại {url} (TELEGRAM_API_BASE_URL); "
                              "kiểm tra máy chủ Bot API đó đã chạy chưa, rồi chạy lại.")
TELEGRAM_UNREACHABLE = ("Lỗi: không kết nối được Telegram Bot API ({url}); kiểm tra kết nối mạng "
                        "của máy chủ (hoặc đặt TELEGRAM_API_BASE_URL), rồi chạy lại.")
TOKEN_REJECTED = ("TELEGRAM_BOT_TOKEN bị Telegram từ chối (sai hoặc đã bị thu hồi); lấy token mới "
                  "từ @BotFather.")
INTERNAL_ERROR = ("Lỗi ngoài dự kiến của chương trình (mã thoát 70); chi tiết kỹ thuật ở trên, hãy "
                  "gửi cho người phát triển.")
NO_TOKEN_CONSOLE = "Chưa đặt TELEGRAM_BOT_TOKEN: mở chế độ console trên terminal."
CONSOLE_WELCOME = (
    "Trợ lý bảo vệ bí mật nhà nước — chế độ console.\n"
    "Gõ câu hỏi (có dấu hoặc không dấu). /kehoach <slug> để chọn kế hoạch ({plans}), "
    "/help để xem hướng dẫn, /thoat để thoát."
)
CONSOLE_USER = "Cán bộ {id}"  # a console user the database knows no name for
PLAN_SET = "Đã chọn kế hoạch: {plan}."
CONSOLE_FILE_SAVED = "  📎 Đã lưu tệp: {path}"
ALL_PLANS = "tất cả"

# The states of a status report as every reader sees them (the command line, the exports, /baocao
# and /tonghop through `handlers.report_texts`); the codes are `bot.services.statuses.STATES`.
STATE_LABELS = {
    "chua_thuc_hien": "Chưa thực hiện",
    "dang_thuc_hien": "Đang thực hiện",
    "hoan_thanh": "Hoàn thành",
    "vuong_mac": "Vướng mắc",
}
