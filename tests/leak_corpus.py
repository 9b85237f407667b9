"""A shared corpus for the leak guard (`bot.leak_guard.find_marking`): data only, no tests.

The guard must refuse text that carries a Vietnamese classification marking — the stamps MẬT /
TỐI MẬT / TUYỆT MẬT written *as markings* — and must let through the questions staff ask about
those very levels. This module holds realistic texts for both directions, for the example tests
and for property-based tests:

- `MARKED`: `(text, level)` pairs that MUST be refused; `level` ("mat", "toi-mat", "tuyet-mat")
  is the level of the FIRST marking in the text. Grouped by the form of the marking, from plain
  document headers to evasions (letter spacing, look-alike letters from other scripts, invisible
  characters, decomposed Unicode, other line separators). Look-alike and invisible code points
  are written as `\\u` escapes so that a reader can see exactly what is in the string.
- `QUESTIONS`: texts ABOUT secrecy levels, or using "mật" in ordinary words, that MUST pass —
  each one chat message as a member of staff would type it.
- `STAMPS`: the canonical stamps, with their levels.
- `HEADERS`: multi-line document contexts with a `{stamp}` placeholder on a line of its own;
  none is a question and none contains any other "mật" word, so `header.format(stamp=s)` is
  marked with exactly the level of `s`.

The entries describe what SHOULD hold, not what a given version of the guard happens to do.
Texts already in `tests/bot/test_leak_guard.py` (MARKED, ORDINARY) are not repeated here.
"""

from __future__ import annotations

import unicodedata

__all__ = ["HEADERS", "MARKED", "QUESTIONS", "STAMPS", "nfd"]


def nfd(text: str) -> str:
    """The text decomposed (NFD), as some keyboards, PDF exports and macOS file names produce it."""
    return unicodedata.normalize("NFD", text)


MARKED: list[tuple[str, str]] = [
    # a) A stamp alone on its line in a document header, plain or decorated.
    ("CÔNG AN TỈNH LẠNG SƠN\nPHÒNG AN NINH NỘI ĐỊA\n- MẬT -\nSố: 215/BC-ANNĐ\n"
     "Lạng Sơn, ngày 12 tháng 3 năm 2026", "mat"),
    ("BỘ CHỈ HUY QUÂN SỰ TỈNH CAO BẰNG\n[TỐI MẬT]\nSố: 47/KH-BCH\nKẾ HOẠCH\n"
     "Bảo đảm an ninh, trật tự dịp Tết Nguyên đán Bính Ngọ", "toi-mat"),
    ("TỈNH ỦY HÀ GIANG\nBAN TỔ CHỨC\n*TUYỆT MẬT*\nSố 09-BC/BTCTU\nBÁO CÁO\n"
     "Kết quả rà soát quy hoạch cán bộ nhiệm kỳ 2025-2030", "tuyet-mat"),
    ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG TỈNH LẠNG SƠN\nMẬT\nSố: 321/STTTT-BCVT\n"
     "V/v kiểm tra an toàn hệ thống thông tin", "mat"),
    ("UBND HUYỆN CAO LỘC\n« TỐI MẬT »\nSố: 18/TB-UBND\nTHÔNG BÁO\n"
     "Kết luận của Chủ tịch UBND huyện tại cuộc họp giao ban tháng 3", "toi-mat"),
    ("ỦY BAN NHÂN DÂN TỈNH BẮC KẠN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
     "TUYỆT MẬT\nSố: 02/QĐ-UBND", "tuyet-mat"),
    ("CÔNG AN HUYỆN HỮU LŨNG\n=== MẬT ===\nBIÊN BẢN\n"
     "Bàn giao hồ sơ, tài liệu giữa Đội An ninh và Đội Cảnh sát hình sự", "mat"),
    ("SỞ Y TẾ TỈNH LẠNG SƠN\n(TỐI MẬT)\nSố: 77/BC-SYT\nBáo cáo tình hình dịch bệnh tại khu vực biên giới",
     "toi-mat"),
    ("BAN CHỈ ĐẠO 35 TỈNH ỦY\nMẬT.\nThông báo kết luận phiên họp quý I năm 2026", "mat"),
    ("ĐẢNG ỦY CÔNG AN TỈNH\n• TỐI MẬT •\nSố 56-NQ/ĐU\nNGHỊ QUYẾT\nVề lãnh đạo thực hiện nhiệm vụ năm 2026",
     "toi-mat"),
    ("VĂN PHÒNG UBND TỈNH\n\"MẬT\"\nSố: 1024/VP-NC\nV/v triển khai Công điện của Thủ tướng Chính phủ", "mat"),
    ("TUYỆT MẬT\nỦY BAN NHÂN DÂN HUYỆN VĂN LÃNG\nSố: 33/KH-UBND\nKẾ HOẠCH\n"
     "Diễn tập khu vực phòng thủ huyện năm 2026", "tuyet-mat"),
    ("Bản số: 02\nTỐI MẬT\nSố: 08/PA-CAT\nPHƯƠNG ÁN\nBảo vệ Đại hội đại biểu Đảng bộ tỉnh", "toi-mat"),
    ("UY BAN NHAN DAN TINH LANG SON\nTOI MAT\nSo: 45/KH-UBND\nKe hoach kiem tra dia ban bien gioi",
     "toi-mat"),
    ("CÔNG AN TỈNH CAO BẰNG          TỐI MẬT\nSố: 112/BC-CAT-PA05\nBáo cáo tình hình an ninh mạng tháng 2",
     "toi-mat"),
    ("UBND XÃ TÂN THÀNH\t\tMẬT\nSố: 09/BC-UBND\nBáo cáo kết quả công tác tuyển quân", "mat"),
    ("Sở Giáo dục và Đào tạo\n~ TUYỆT MẬT ~\nĐề thi chính thức kỳ thi chọn học sinh giỏi cấp tỉnh",
     "tuyet-mat"),
    ("HỘI ĐỒNG NGHĨA VỤ QUÂN SỰ HUYỆN\n\n  [ MẬT ]  \n\nDanh sách công dân nhập ngũ năm 2026", "mat"),
    # b) An upper-case stamp on its own line, then a short question or chat line: still a marking.
    ("MẬT\nanh xem giúp em với", "mat"),
    ("TỐI MẬT\nbảo vệ mấy năm ạ", "toi-mat"),
    ("TUYỆT MẬT\nai được đọc?", "tuyet-mat"),
    ("MẬT\ncó phải vào sổ không", "mat"),
    ("TỐI MẬT\nEm gửi anh bản scan nhé", "toi-mat"),
    ("TUYỆT MẬT\nđọc xong xóa giúp em", "tuyet-mat"),
    ("MẬT\n\nthế này là sao hả anh", "mat"),
    ("TỐI MẬT\nlưu ở đâu", "toi-mat"),
    ("Cho em hỏi\nTỐI MẬT\nthì gửi thế nào", "toi-mat"),
    ("TOI MAT\nbao ve bao lau", "toi-mat"),
    ("- MẬT -\nĐ/c xem rồi cho ý kiến nhé", "mat"),
    ("MẬT\nsao chụp được không ạ", "mat"),
    ("TUYỆT MẬT\nđóng dấu chỗ nào hả chị?", "tuyet-mat"),
    ("TỐI MẬT\nthời hạn bảo vệ?", "toi-mat"),
    ("MAT\nanh check giup em", "mat"),
    ("[TUYỆT MẬT]\nCái này có gửi qua Zalo được không?", "tuyet-mat"),
    ("TỐI MẬT\nBáo cáo số 15/BC-CAT\ncó cần trình lãnh đạo ký không?", "toi-mat"),
    # c) A stamp alone in brackets inside prose (upper case always; mixed case when not a question).
    ("Đề nghị các đồng chí nghiên cứu Kế hoạch số 45/KH-CAT (TỐI MẬT) trước cuộc họp sáng thứ Hai.",
     "toi-mat"),
    ("Sở Nội vụ gửi kèm danh sách [MẬT] cán bộ diện quy hoạch để các đơn vị rà soát.", "mat"),
    ("Nội dung chi tiết xem phụ lục «TUYỆT MẬT» gửi kèm theo đường công văn.", "tuyet-mat"),
    ("Thực hiện Chỉ thị số 03/CT-TU (Tối mật) của Ban Thường vụ Tỉnh ủy, UBND huyện yêu cầu:",
     "toi-mat"),
    ("Fwd: <TỐI MẬT> Phương án bảo vệ đoàn công tác của Trung ương", "toi-mat"),
    ("Căn cứ Thông báo số 120-TB/TU ngày 10/02/2026 (TUYỆT MẬT), Ban Tổ chức đề xuất như sau", "tuyet-mat"),
    ("Báo cáo số 15/BC-CAT (MẬT) gửi qua email công vụ được không anh?", "mat"),
    ("Theo kết luận tại Biên bản họp ngày 3/3 (mật), Công an xã tiếp tục theo dõi đối tượng.", "mat"),
    ("Chuyển các đơn vị 【TỐI MẬT】 Kế hoạch tuần tra biên giới dịp Tết", "toi-mat"),
    ("Trích yếu: Tờ trình về phương án nhân sự (“TUYỆT MẬT”)", "tuyet-mat"),
    ("Đồng chí Hòa chịu trách nhiệm bảo quản tài liệu (MẬT) của phòng.", "mat"),
    ("Tổ công tác đã nhận đủ 05 bản Kế hoạch 12/KH-BCĐ [ TỐI MẬT ] và ký sổ giao nhận.", "toi-mat"),
    ("(MAT) Danh sach doi tuong can theo doi tren dia ban xa", "mat"),
    ("Xem văn bản đính kèm (Tuyệt mật) và triển khai trước ngày 20/4.", "tuyet-mat"),
    ("Kính chuyển đồng chí Bí thư: Báo cáo nhanh *(MẬT)* về vụ việc tại cửa khẩu Tân Thanh.", "mat"),
    # d) Level fields, with and without a colon, with and without diacritics.
    ("Độ mật: Mật\nSố: 18/BC-CAX", "mat"),
    ("ĐỘ MẬT: MẬT", "mat"),
    ("Do mat: Toi mat", "toi-mat"),
    ("do mat: tuyet mat", "tuyet-mat"),
    ("Độ mật Tối mật\nKế hoạch số 12/KH-UBND", "toi-mat"),
    ("Do mat toi mat", "toi-mat"),
    ("ĐỘ MẬT TUYỆT MẬT", "tuyet-mat"),
    ("Số: 15/BC-CAT; Độ mật: Tối mật; Độ khẩn: Thượng khẩn", "toi-mat"),
    ("Độ mật – Tuyệt mật\nNơi nhận: Thường trực Tỉnh ủy", "tuyet-mat"),
    ("Độ mật: MẬT\nKính gửi: Giám đốc Công an tỉnh", "mat"),
    ("Độ mật:\nTối mật", "toi-mat"),
    ("Độ mật: Tối mật\nAnh xem giúp em nội dung này đã ổn chưa?", "toi-mat"),
    ("Mức độ mật Tuyệt mật\nKẾ HOẠCH phòng, chống khủng bố năm 2026", "tuyet-mat"),
    ("DO MAT TOI MAT\nSO: 21/KH-CAT", "toi-mat"),
    ("Độ mật (Mật)\nTHÔNG BÁO\nKết luận cuộc họp Ban Chỉ đạo", "mat"),
    ("Tên tài liệu: Phương án bảo vệ hội nghị; độ mật: tối mật; số bản: 05", "toi-mat"),
    ("- Độ mật: Tuyệt mật\n- Độ khẩn: Hỏa tốc\n- Số trang: 12", "tuyet-mat"),
    ("Độ Mật = MẬT", "mat"),
    # e) An upper-case stamp opening a line, then a separator or a document word.
    ("TUYỆT MẬT | Phương án bảo vệ đoàn công tác của Trung ương", "tuyet-mat"),
    ("MẬT: Danh sách cán bộ được cử đi học tập ở nước ngoài", "mat"),
    ("TỐI MẬT — Công điện khẩn của Bộ Công an", "toi-mat"),
    ("MẬT / Tờ trình số 08/TTr-SNV về kiện toàn nhân sự", "mat"),
    ("TỐI MẬT Biên bản họp Ban Thường vụ Huyện ủy ngày 12/3", "toi-mat"),
    ("MAT - Bao cao tinh hinh an ninh tuyen bien gioi thang 3", "mat"),
    ("TOI MAT: Ke hoach dien tap phong thu huyen Loc Binh", "toi-mat"),
    ("TUYỆT MẬT. Chỉ thị về bảo vệ an ninh chính trị nội bộ", "tuyet-mat"),
    ("MẬT Số: 112/BC-CAT", "mat"),
    ("TỐI MẬT; Nghị quyết của Ban Thường vụ về công tác cán bộ", "toi-mat"),
    ("[MẬT] - Thông báo kết luận của Giám đốc Sở", "mat"),
    ("TUYỆT MẬT Đề án sắp xếp lực lượng công an xã", "tuyet-mat"),
    ("MẬT – Hướng dẫn triển khai phần mềm quản lý đối tượng", "mat"),
    ("Chuyển tiếp từ nhóm Ban chỉ huy:\nTỐI MẬT - Quyết định số 15/QĐ-BCH về điều động lực lượng",
     "toi-mat"),
    ("TỐI MẬT Kính gửi: Đồng chí Giám đốc Công an tỉnh", "toi-mat"),
    ("**MẬT** — Văn bản số 09/CV-UBND", "mat"),
    # f) An upper-case stamp standing out in mixed-case prose that is not a question.
    ("Anh Tuấn ơi, em vừa scan xong công văn TỐI MẬT của Công an tỉnh, em gửi luôn vào đây.", "toi-mat"),
    ("Đây là nội dung kế hoạch TUYỆT MẬT về phương án phòng thủ, đề nghị giữ kín.", "tuyet-mat"),
    ("Sáng mai họp bàn phương án TỐI MẬT tại phòng họp số 3, các anh chuẩn bị tài liệu.", "toi-mat"),
    ("Em chuyển tiếp báo cáo TUYỆT MẬT số 03/BC-BCĐ để anh Hùng nắm.", "tuyet-mat"),
    ("Trích nội dung văn bản MẬT: đề nghị tăng cường lực lượng tại khu vực biên giới.", "mat"),
    ("Chụp lại trang 2 của quyết định TỐI MẬT rồi gửi vào nhóm này.", "toi-mat"),
    ("Danh sách đối tượng theo dõi - TỐI MẬT - cập nhật ngày 10/3", "toi-mat"),
    ("Đồng chí Lan nhận bản TUYỆT MẬT số 2 lúc 8 giờ sáng nay.", "tuyet-mat"),
    ("Chuyen anh bao cao TUYET MAT cua Cong an tinh de nghien cuu truoc", "tuyet-mat"),
    ("Các đồng chí lưu ý: nội dung cuộc họp hôm nay là TỐI MẬT, tuyệt đối không ghi âm.", "toi-mat"),
    ("Gửi kèm phụ lục MẬT gồm 5 trang, đọc xong hủy.", "mat"),
    ("Thông tin MẬT: lịch trình đoàn công tác của lãnh đạo tỉnh từ 20 đến 22/4.", "mat"),
    ("Sở Nội vụ vừa có hướng dẫn TỐI MẬT về sắp xếp bộ máy, em dán nội dung bên dưới:\n"
     "1. Giải thể phòng Tổng hợp.\n2. Sáp nhập hai trung tâm.", "toi-mat"),
    ("Lịch làm việc TUYỆT MẬT của đoàn: 7h30 xuất phát từ trụ sở Tỉnh ủy.", "tuyet-mat"),
    ("Nhóm mình lưu ý, file đính kèm là tài liệu TỐI MẬT nên chỉ đọc trên máy không nối mạng.", "toi-mat"),
    ("Chị Hoa gửi lại giúp em danh sách MẬT đợt 2 nhé, bản trước bị lỗi font.", "mat"),
    # g) A level spelled letter by letter, with spaces or punctuation: always a marking, any case.
    ("M Ậ T\nSố: 12/KH-UBND\nKế hoạch bảo vệ an ninh mạng", "mat"),
    ("T Ố I   M Ậ T", "toi-mat"),
    ("Em gửi anh tài liệu M.Ậ.T nhé", "mat"),
    ("tài liệu m-ậ-t, đọc xong xóa", "mat"),
    ("M_Ậ_T - Báo cáo nhanh vụ việc", "mat"),
    ("Nội dung M · Ậ · T, không chia sẻ ra ngoài nhóm", "mat"),
    ("T Ố I  M Ậ T\nKế hoạch tuần tra biên giới", "toi-mat"),
    ("T-U-Y-Ệ-T M-Ậ-T\nPhương án bảo vệ hội nghị", "tuyet-mat"),
    ("Văn bản t.ố.i m.ậ.t của Tỉnh ủy, anh em đọc kỹ", "toi-mat"),
    ("— M Ậ T —\nSố: 07/BC-CAH", "mat"),
    ("Tài liệu M-Ậ-T thì bảo vệ bao lâu?", "mat"),
    ("T.O.I M.A.T\nSo 15/BC-CAT", "toi-mat"),
    ("Gửi các anh kế hoạch T U Y Ệ T  M Ậ T số 03", "tuyet-mat"),
    ("M/Ậ/T\nQuyết định số 45/QĐ-UBND", "mat"),
    ("ĐÂY LÀ TÀI LIỆU M . Ậ . T", "mat"),
    ("T.U.Y.Ệ.T-M.Ậ.T: danh sách cán bộ nguồn", "tuyet-mat"),
    ("Độ mật: T-Ố-I M-Ậ-T", "toi-mat"),
    # h) Look-alike letters: Cyrillic (М U+041C, Т U+0422, І U+0406, Е U+0415, А U+0410, а о і м т),
    #    Greek (Μ U+039C, Τ U+03A4, Ι U+0399), full-width (U+FF21…), mathematical (U+1D400…).
    ("\u041cẬ\u0422\nSố: 14/BC-CAT\nBáo cáo tình hình an ninh nông thôn", "mat"),
    ("\u0422ỐI \u041cẬ\u0422\nKế hoạch số 09/KH-UBND", "toi-mat"),
    ("\u039cẬ\u03a4 - Thông báo nội bộ", "mat"),
    ("Độ mật: Tối \u043cậ\u0442", "toi-mat"),
    ("\u03a4Ố\u0399 \u039cẬ\u03a4\nSố: 3/PA-BCH", "toi-mat"),
    ("Gửi anh báo cáo \u0422Ố\u0406 \u041cẬ\u0422 số 7/BC-CAT", "toi-mat"),
    ("D\u043e m\u0430t: t\u043ei m\u0430t", "toi-mat"),
    ("\u0422UY\u0415\u0323\u0302T M\u0410\u0323\u0302T\nSố: 02/QĐ-UBND", "tuyet-mat"),
    ("\uff2dẬ\uff34\nSố: 22/KH-SNV", "mat"),
    ("\uff34\uff35\uff39Ệ\uff34 \uff2dẬ\uff34", "tuyet-mat"),
    ("Kế hoạch \uff08\uff34\uff2f\uff29 \uff2d\uff21\uff34\uff09 triển khai ngay", "toi-mat"),
    ("\U0001d40cẬ\U0001d413\nBáo cáo số 5/BC-UBND", "mat"),
    ("\U0001d447Ố\U0001d43c \U0001d440Ậ\U0001d447 - Kế hoạch kiểm tra", "toi-mat"),
    ("\U0001d54b\U0001d54c\U0001d550Ệ\U0001d54b \U0001d544Ậ\U0001d54b", "tuyet-mat"),
    ("Đ\u043e\u0323\u0302 m\u0430\u0323\u0302t: M\u0430\u0323\u0302t", "mat"),
    ("Tài liệu (\u041cẬ\u0422) gửi các đồng chí trong Ban chỉ đạo", "mat"),
    ("Độ mật: Tố\u0456 mật", "toi-mat"),
    ("\U0001d5e0Ậ\U0001d5e7\nThông báo số 17-TB/TU", "mat"),
    ("M\u1eac\u0422\nDanh sách trinh sát viên Đội 2", "mat"),
    ("\U0001d67c\U0001d670\U0001d683 - Bao cao so 4/BC-CAX", "mat"),
    # i) Invisible characters inside the stamp and inside "Độ mật": zero-width (U+200B–U+200D,
    #    U+2060, U+FEFF), soft hyphen U+00AD, bidi marks and controls (U+200E, U+200F, U+202A–U+202E,
    #    U+2066–U+2069), U+034F, U+2063, variation selector U+FE0F, U+180E.
    ("M\u200cẬ\u200cT\nSố: 5/KH-UBND", "mat"),
    ("T\u200dỐI M\u200dẬT\nThông báo số 8-TB/HU", "toi-mat"),
    ("M\u2060Ậ\u2060T", "mat"),
    ("\ufeffTỐI MẬT\nSố: 31/BC-SNV", "toi-mat"),
    ("MẬ\u00adT - Kế hoạch số 4/KH-CAX", "mat"),
    ("\u200eTUYỆT MẬT\u200f\nQuyết định số 102/QĐ-UBND", "tuyet-mat"),
    ("M\u034fẬT\nBáo cáo quý I", "mat"),
    ("TỐI M\u2063ẬT", "toi-mat"),
    ("\u202bMẬT\u202c\nSố: 66/CV-SYT", "mat"),
    ("\u2066TỐI MẬT\u2069 Kế hoạch bảo vệ Tết", "toi-mat"),
    ("MẬT\ufe0f\nBiên bản kiểm tra", "mat"),
    ("M\u180eẬ\u180eT", "mat"),
    ("Đ\u200bộ m\u200bật: Mật", "mat"),
    ("Độ\u2060 mật: T\u00adối mật", "toi-mat"),
    ("Đ\u200dộ mật\u200d: Tuyệt\u200b mật", "tuyet-mat"),
    ("\u202aĐộ mật\u202c: Mật\nSố: 9/BC-UBND", "mat"),
    ("Gửi anh báo cáo T\u200bỐI M\u200bẬT số 15/BC-PA05", "toi-mat"),
    ("\u202eTUYỆT MẬT\u202c", "tuyet-mat"),
    ("TỐI\u200c MẬT\nSố: 11/KH-BCH", "toi-mat"),
    ("\u2068MẬT\u2069 — Phương án số 2", "mat"),
    ("\u2067T\u2067U\u2067Y\u2067Ệ\u2067T MẬT\u2069\u2069\u2069\u2069\u2069", "tuyet-mat"),
    ("\u202dM\u034fẬ\u200bT\u202c\nQuyết định số 5/QĐ-BCĐ", "mat"),
    ("Đ\u034fộ m\u00adật T\u200bối mật\nKế hoạch số 5/KH-UBND", "toi-mat"),
    # j) Decomposed input (NFD), partly decomposed input and marks in a non-canonical order.
    (nfd("CÔNG AN TỈNH LẠNG SƠN\nMẬT\nSố: 88/BC-CAT"), "mat"),
    (nfd("Độ mật: Mật"), "mat"),
    (nfd("Gửi anh kế hoạch TỐI MẬT số 5/KH-CAT để triển khai"), "toi-mat"),
    (nfd("(TUYỆT MẬT) Danh sách đại biểu dự hội nghị"), "tuyet-mat"),
    (nfd("TỐI MẬT - Báo cáo kết quả xác minh"), "toi-mat"),
    (nfd("Độ mật Tuyệt mật\nKế hoạch số 3/KH-BCĐ"), "tuyet-mat"),
    (nfd("M Ậ T"), "mat"),
    ("Kế hoạch số 12/KH-UBND\n" + nfd("TUYỆT MẬT") + "\nTriển khai thực hiện Nghị quyết 29", "tuyet-mat"),
    ("M\u00c2\u0323T\nSố: 7/BC-UBND", "mat"),  # Â + combining dot below
    ("M\u1ea0\u0302T - Thông báo", "mat"),  # Ạ + combining circumflex
    ("T\u00d4\u0301I M\u1eacT\nKế hoạch số 8/KH-CAT", "toi-mat"),  # Ô + combining acute
    ("TUY\u00ca\u0323T MẬT", "tuyet-mat"),  # Ê + combining dot below
    ("MA\u0302\u0323T\nSố: 19/TB-UBND", "mat"),  # circumflex before dot below: not canonical order
    (nfd("mật\nBáo cáo số 15/BC-SNV\nKính gửi: Giám đốc Sở Nội vụ"), "mat"),
    ("Độ mật: " + nfd("Tối mật"), "toi-mat"),
    (nfd("ĐỘ MẬT: TUYỆT MẬT\r\nSố: 4/QĐ-UBND"), "tuyet-mat"),
    (nfd("Em chuyển anh văn bản MẬT của Sở Tài chính, anh xem trước khi họp."), "mat"),
    # k) The text typed after a command word (the command itself is not part of the text).
    # /thongbao lang-son …
    ("Mật\nKẾ HOẠCH số 12/KH-UBND về kiểm tra công tác quốc phòng địa phương năm 2026", "mat"),
    ("mật\nBáo cáo tình hình an ninh trên địa bàn tháng 3\nKính gửi: CA tỉnh", "mat"),
    ("TỐI MẬT\nKế hoạch số 12/KH\nai chịu trách nhiệm?", "toi-mat"),
    ("Tối mật\nCác đơn vị triển khai ngay Công điện số 05/CĐ-UBND, báo cáo kết quả trước 17h ngày 20/3.",
     "toi-mat"),
    ("Đề nghị các đơn vị nghiên cứu văn bản sau:\nTUYỆT MẬT\nPhương án xử lý tình huống tại cửa khẩu",
     "tuyet-mat"),
    ("Độ mật: Mật\nThông báo lịch kiểm tra tủ tài liệu của các phòng, ban", "mat"),
    ("MẬT\nKẾ HOẠCH số 12/KH-UBND\nGửi kèm để các đầu mối nắm, ai vướng thì báo lại.", "mat"),
    # /themdonvi lang-son …
    ("Phòng An ninh chính trị nội bộ (MẬT)", "mat"),
    ("UBND xã Tân Thành\nMẬT", "mat"),
    ("Đội Trinh sát - TỐI MẬT", "toi-mat"),
    ("Ban Chỉ huy Quân sự xã Hoàng Đồng [Tối mật]", "toi-mat"),
    # /baocao 1 vướng mắc …
    ("Đơn vị đã nhận Kế hoạch TỐI MẬT số 45/KH-CAT nhưng tủ sắt bảo quản bị hỏng khóa", "toi-mat"),
    ("Độ mật: Tối mật\nKết quả tự kiểm tra: 3 máy tính nối mạng có lưu tài liệu, đã ngắt kết nối.",
     "toi-mat"),
    ("tối mật\nSố: 22/BC-UBND\nKhó khăn: thiếu cán bộ chuyên trách, chưa có phòng riêng để bảo quản tài liệu",
     "toi-mat"),
    ("Vướng mắc khi thực hiện Kế hoạch 45/KH-UBND (TỐI MẬT): chưa bố trí được máy tính riêng", "toi-mat"),
    # /moi …
    ("lang-son Phòng PA05 Công an tỉnh (TUYỆT MẬT)", "tuyet-mat"),
    ("Công an xã Hợp Thành\nTỐI MẬT", "toi-mat"),
    # l) Other line breaks: CR LF, U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR (and a lone CR).
    ("UBND HUYỆN LỘC BÌNH\r\nTỐI MẬT\r\nSố: 21/KH-UBND", "toi-mat"),
    ("MẬT\u2028Số: 5/BC-SNV", "mat"),
    ("Báo cáo số 3/BC-BCĐ\u2029TUYỆT MẬT\u2029Kính gửi: Thường trực Tỉnh ủy", "tuyet-mat"),
    ("Độ mật:\r\nTối mật", "toi-mat"),
    ("mật\r\nKế hoạch số 7/KH-SGDĐT\r\nTriển khai kỳ thi tuyển sinh lớp 10", "mat"),
    ("TỐI MẬT\u2028anh xem giúp em", "toi-mat"),
    ("Kế hoạch số 12/KH-UBND\u2029(Tuyệt mật)\u2029Nội dung triển khai năm 2026", "tuyet-mat"),
    ("Em gửi\u2028M Ậ T\u2028Danh sách cán bộ", "mat"),
    ("Độ mật Tuyệt mật\r\nKế hoạch số 3/KH-CAT", "tuyet-mat"),
    ("SỞ NỘI VỤ\r\nMẬT\u2028Số: 30/BC-SNV\u2029Báo cáo công tác cán bộ", "mat"),
    ("Tối mật\u2028Thông báo số 18/TB-UBND\u2028Kính gửi: các phòng, ban chuyên môn", "toi-mat"),
    ("mật\u2029Biên bản bàn giao tài liệu\u2029Hôm nay, ngày 14/3/2026", "mat"),
    ("TUYỆT MẬT\r\nai được phép xem", "tuyet-mat"),
    ("CÔNG AN TỈNH\rMẬT\rSố: 9/BC-CAT", "mat"),
    ("Do mat toi mat\u2028Ke hoach so 5/KH", "toi-mat"),
    ("Báo cáo nhanh\r\n- MẬT -\r\nVụ việc tại cửa khẩu Chi Ma", "mat"),
    # m) A stamp opening a request to keep the text: "hỏi" in a purpose clause asks nothing.
    ("TỐI MẬT. Nhờ bot lưu giúp công văn số 4 của phòng để khi cần hỏi lại: danh sách nhân sự", "toi-mat"),
    ("MẬT - Lưu hộ em kế hoạch này để mai hỏi lại anh: phương án bảo vệ đoàn khách", "mat"),
]


QUESTIONS: list[str] = [
    # Lower case, with diacritics.
    "tài liệu tối mật lưu giữ thế nào",
    "mật là gì",
    "đổi mật khẩu máy tính",
    "có được gửi tài liệu MẬT qua Telegram không",
    "sao chụp tài liệu tối mật cần ai cho phép",
    "vận chuyển tài liệu tuyệt mật phải có mấy người đi kèm",
    "tiêu hủy tài liệu mật theo trình tự nào",
    "tài liệu tối mật khi nào thì được giải mật",
    "thời hạn bảo vệ bí mật nhà nước độ tuyệt mật là 30 năm phải không",
    "sổ đăng ký tài liệu mật đến do ai giữ",
    "hội nghị có nội dung tối mật có được mang điện thoại vào không",
    "máy tính nối mạng internet có được soạn thảo tài liệu mật không",
    "thẩm quyền giải mật tài liệu tuyệt mật thuộc về ai",
    "mang tài liệu mật ra nước ngoài cần xin phép ai",
    "tài liệu mật bị ướt, hư hỏng thì xử lý thế nào?",
    "có được dùng USB cá nhân để chép tài liệu tối mật không",
    "tuyệt mật",
    "tuyet mat",
    # Caps lock.
    "TÀI LIỆU TỐI MẬT ĐƯỢC BẢO VỆ BAO LÂU",
    "TÀI LIỆU TUYỆT MẬT DO AI QUYẾT ĐỊNH GIẢI MẬT",
    "SAO CHỤP TÀI LIỆU MẬT CÓ CẦN XIN PHÉP KHÔNG",
    "HỘI NGHỊ CÓ NỘI DUNG TỐI MẬT THÌ TỔ CHỨC Ở ĐÂU",
    "MÁY TÍNH NỐI MẠNG CÓ ĐƯỢC SOẠN THẢO VĂN BẢN MẬT KHÔNG",
    "CHO EM HỎI TÀI LIỆU TỐI MẬT LƯU TRỮ BAO LÂU Ạ",
    "QUY TRÌNH TIÊU HỦY TÀI LIỆU TỐI MẬT",
    "MẬT KHẨU MÁY TÍNH BAO LÂU PHẢI ĐỔI MỘT LẦN",
    "VẬN CHUYỂN TÀI LIỆU TUYỆT MẬT PHẢI CÓ CÔNG AN ĐI KÈM KHÔNG",
    "AI CÓ THẨM QUYỀN CHO PHÉP SAO CHỤP TÀI LIỆU TỐI MẬT",
    "TUYỆT MẬT: ai có thẩm quyền giải mật?",
    # Title case.
    "Tài Liệu Tối Mật Được Bảo Vệ Trong Bao Lâu?",
    "Thời Hạn Bảo Vệ Tài Liệu Tuyệt Mật",
    "Sao Chụp Tài Liệu Mật Cần Những Thủ Tục Gì",
    # Without diacritics ("mat" may also be "mất": "lam mat" = làm mất).
    "tai lieu mat co duoc sao chup khong",
    "thoi han bao ve tai lieu tuyet mat la bao lau",
    "TAI LIEU TUYET MAT DO AI GIAI MAT",
    "so dang ky tai lieu mat den theo mau nao",
    "lam mat tai lieu mat phai bao cao ai",
    "van chuyen tai lieu toi mat can may nguoi",
    "hop co noi dung mat thi co duoc ghi am khong",
    "doi mat khau may tinh o dau",
    "MAY TINH LUU TAI LIEU TOI MAT CO DUOC KET NOI INTERNET KHONG",
    # Decomposed (NFD) input.
    nfd("Tài liệu Tuyệt mật do ai ký giải mật?"),
    nfd("có được mang tài liệu mật ra khỏi cơ quan không"),
    nfd("QUY TRÌNH SAO CHỤP TÀI LIỆU TỐI MẬT"),
    nfd("Em có bản sao tài liệu TỐI MẬT. Có phải đóng dấu bản sao không ạ?"),
    nfd("mật khẩu wifi cơ quan là gì"),
    # Chat particles (ạ, nhé, ơi).
    "Anh ơi, tài liệu tối mật có được photo không ạ",
    "Chị ơi tài liệu MẬT gửi qua bưu điện được không ạ",
    "Cho em hỏi sổ đăng ký tài liệu mật đi ghi những gì nhé",
    "Tối mật thì cất trong két sắt nhé?",
    "Ad ơi, mật khẩu máy tính soạn thảo văn bản mật phải đặt bao nhiêu ký tự ạ",
    "Em chào anh ạ, cho em hỏi thời hạn giải mật tài liệu MẬT là mấy năm ạ",
    "Camera trong phòng họp có nội dung tuyệt mật có cần tắt không ạ",
    # Two sentences: the question comes after a statement that mentions a level.
    "Đơn vị em vừa nhận công văn TỐI MẬT. Có cần vào sổ đăng ký riêng không ạ?",
    "Phòng em có máy tính lưu tài liệu MẬT. Có được nối mạng internet không?",
    "Em lỡ photo tài liệu TUYỆT MẬT. Giờ phải làm sao?",
    "Sở em sắp tổ chức hội nghị có nội dung TỐI MẬT. Cần chuẩn bị những gì?",
    "Xã em mới nhận Kế hoạch MẬT của huyện. Ai được giữ bản gốc ạ?",
    # Lookup phrases without a question word.
    "Thủ tục giải mật tài liệu TỐI MẬT",
    "Thẩm quyền cho phép sao chụp tài liệu TUYỆT MẬT",
    "Mẫu biên bản tiêu hủy tài liệu MẬT",
    "Điều kiện vận chuyển tài liệu TỐI MẬT ra ngoài cơ quan",
    "Trách nhiệm của người đứng đầu trong bảo vệ tài liệu TUYỆT MẬT",
    "Cách đóng dấu độ MẬT trên văn bản điện tử",
    "Hướng dẫn về mang tài liệu TỐI MẬT đi công tác nước ngoài",
    "Phân biệt dấu MẬT và dấu TỐI MẬT",
    "So sánh thời hạn bảo vệ độ Mật và độ Tối mật",
    "Khái niệm tài liệu TUYỆT MẬT",
    "Định nghĩa bí mật nhà nước độ MẬT",
    "Nguyên tắc sao chụp tài liệu TỐI MẬT",
    "Quy định về hội nghị có nội dung TỐI MẬT",
    "Thời hạn bảo vệ tài liệu MẬT",
    "Quy trình tiếp nhận, đăng ký tài liệu TUYỆT MẬT đến",
    # Ordinary words with "mật": passwords, honey, density, compounds.
    "Đặt MẬT KHẨU máy tính soạn thảo văn bản theo quy định",
    "quên mật khẩu tài khoản VNeID phải làm sao",
    "mật mã và cơ yếu khác nhau thế nào",
    "mật ong để tủ lạnh được bao lâu",
    "MẬT ONG RỪNG LẠNG SƠN GIÁ BAO NHIÊU",
    "mật độ xây dựng tối đa ở khu dân cư là bao nhiêu",
    "Tài liệu đã giải mật có được đăng lên cổng thông tin điện tử không?",
    "Phần mềm bảo mật cho máy tính soạn thảo văn bản mật dùng loại nào",
    "Lộ mật là gì và bị xử lý thế nào?",
    "Quan hệ mật thiết giữa bảo vệ bí mật nhà nước và an ninh mạng",
    "Bảo mật thông tin cá nhân trên Telegram như thế nào",
    "Cách viết thư mời thân mật cho buổi gặp mặt cán bộ hưu trí",
    # Lists of levels.
    "Bí mật nhà nước chia thành ba độ: Tuyệt mật, Tối mật, Mật",
    "Ba độ MẬT, TỐI MẬT, TUYỆT MẬT khác nhau ở thời hạn bảo vệ",
    "Mật, Tối mật hay Tuyệt mật thì do ai xác định?",
    "mật, tối mật và tuyệt mật",
    # Talk about a stamp or a level: "dấu MẬT", "độ TỐI MẬT", "chữ MẬT", "mức MẬT".
    "Dấu MẬT đóng ở vị trí nào trên văn bản?",
    "đóng dấu TỐI MẬT bằng mực màu gì",
    "Chữ MẬT trên phong bì viết ở góc nào",
    "Văn bản này nên xác định độ TỐI MẬT hay độ MẬT?",
    "Mức MẬT áp dụng cho những loại thông tin nào",
    # A level field or a bracketed mixed-case level on a question line.
    "Độ mật: Tối mật thì phải đóng dấu ở đâu?",
    "Độ mật tối mật thì bảo vệ bao lâu?",
    "Công văn số 45 (Tối mật) yêu cầu báo cáo trước ngày nào?",
    # Look-alike words: MẤT (lost), MẶT (face, front), unaccented "bi mat" (bị mất).
    "Làm MẤT tài liệu mật thì bị xử lý thế nào",
    "MẤT TÀI LIỆU TỐI MẬT PHẢI BÁO CÁO AI",
    "Mặt sau phong bì đựng tài liệu mật ghi những gì",
    "MẶT TRẬN TỔ QUỐC CÓ PHẢI LẬP DANH MỤC BÍ MẬT NHÀ NƯỚC KHÔNG",
    "Cán bộ bị mất sổ đăng ký tài liệu mật phải làm gì",
    "em bi mat the can bo thi bao ai",
    "Tôi bị MẤT USB có lưu tài liệu, giờ phải làm gì",
    # Handling questions in everyday wording.
    "Giao nhận tài liệu TỐI MẬT giữa hai cơ quan phải ký sổ không",
    "In tài liệu MẬT bằng máy in nối mạng có vi phạm không",
    # Two lines, no line a lone level.
    "Chào anh\nTài liệu TỐI MẬT có được gửi qua email công vụ không ạ?",
    "Em hỏi chút ạ\nsổ đăng ký tài liệu mật đi và đến dùng chung một quyển được không",
    "Cho em hỏi\nQuy trình giải mật tài liệu TUYỆT MẬT gồm mấy bước",
]


STAMPS: list[tuple[str, str]] = [
    ("MẬT", "mat"),
    ("TỐI MẬT", "toi-mat"),
    ("TUYỆT MẬT", "tuyet-mat"),
    ("MAT", "mat"),
    ("TOI MAT", "toi-mat"),
    ("TUYET MAT", "tuyet-mat"),
]


HEADERS: list[str] = [
    "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN\n{stamp}\nSố: 12/KH-UBND\nKế hoạch triển khai công tác năm 2026",
    "CÔNG AN TỈNH CAO BẰNG\nPHÒNG AN NINH NỘI ĐỊA\n{stamp}\nSố: 215/BC-ANNĐ\nBÁO CÁO\n"
    "Tình hình an ninh trật tự tháng 3 năm 2026",
    "TỈNH ỦY LẠNG SƠN\n{stamp}\nSố 45-TB/TU\nTHÔNG BÁO\nKết luận của Ban Thường vụ Tỉnh ủy",
    "SỞ NỘI VỤ TỈNH BẮC GIANG\n{stamp}\nSố: 88/SNV-TCBC\nV/v rà soát, sắp xếp tổ chức bộ máy\n"
    "Kính gửi: Ủy ban nhân dân các huyện, thành phố",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n{stamp}\nQUYẾT ĐỊNH\n"
    "Về việc thành lập Tổ công tác liên ngành",
    "BỘ CHỈ HUY QUÂN SỰ TỈNH HÀ GIANG\n{stamp}\nSố: 07/PA-BCH\nPHƯƠNG ÁN\n"
    "Bảo vệ Đại hội đại biểu Đảng bộ tỉnh",
    "{stamp}\nỦY BAN NHÂN DÂN HUYỆN HỮU LŨNG\nSố: 33/BC-UBND\nHữu Lũng, ngày 05 tháng 01 năm 2026",
    "Bản số: 03\n{stamp}\nBIÊN BẢN\nHọp Ban Chỉ đạo phòng, chống tội phạm tỉnh\n"
    "Thời gian: 08 giờ 00, ngày 14/3/2026",
    "UY BAN NHAN DAN XA TAN THANH\n{stamp}\nSo: 5/BC-UBND\nBao cao ket qua ra soat dia ban",
    "Em chuyển tiếp văn bản anh Hùng gửi:\n{stamp}\nSố: 09/CV-CAT\nKính gửi: Thủ trưởng các đơn vị",
]
