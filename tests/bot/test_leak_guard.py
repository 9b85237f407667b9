"""The leak guard's text check: markings are caught, questions about secrecy levels are not.

Both directions matter: a missed marking lets classified text into the bot's storage; a false
alarm deletes a genuine question about the very subject the bot exists to answer.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.leak_guard import Marking, find_marking, normalise
from tests import leak_corpus as corpus

ROOT = Path(__file__).resolve().parents[2]
REGRESSION_QUESTIONS = ROOT / "tests" / "regression" / "questions.jsonl"
DEV_QUESTIONS = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev.jsonl"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# (text, level) — texts that carry a classification marking.
MARKED = [
    # A capital stamp before lowercase prose, even when the next word could make a compound.
    ("MẬT danh sách cán bộ tham gia đề án", "mat"),
    ("Gửi anh bản MẬT khẩu trương trước 17h", "mat"),
    # Document headers, stamp on its own line.
    ("ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN\nMẬT\nSố: 12/KH-UBND", "mat"),
    ("UBND TỈNH ĐỒNG NAI\nSỞ NỘI VỤ\nTỐI MẬT\nSố: 45/BC-SNV\n"
     "Báo cáo tình hình công tác bảo vệ bí mật nhà nước quý I", "toi-mat"),
    ("TỈNH ỦY LẠNG SƠN\n\n   MẬT   \n\nSố 120-TB/TU", "mat"),
    ("Bản sao\n- MẬT -\nNơi nhận: UBND các huyện", "mat"),
    ("MẬT\nSố: 15/BC", "mat"),
    ("MẬT", "mat"),
    ("[TỐI MẬT]", "toi-mat"),
    ("*TUYỆT MẬT*", "tuyet-mat"),
    ("«MẬT»", "mat"),
    # Header copied from a PDF/Word table: the stamp alone in its column.
    ("SỞ NỘI VỤ                     MẬT\nSố: 15/BC-SNV\nBáo cáo công tác quý III", "mat"),
    ("UBND TỈNH LẠNG SƠN\tTỐI MẬT\nKế hoạch kiểm tra", "toi-mat"),
    # Lower/title case stamp line, but inside a multi-line document.
    ("Kế hoạch số 12/KH-UBND\n(Tuyệt mật)\nTriển khai thực hiện Chỉ thị 32", "tuyet-mat"),
    ("ủy ban nhân dân xã tân thành\nmật\nsố 5/bc-ubnd\nbáo cáo kết quả rà soát", "mat"),
    ("tối mật\nKế hoạch phối hợp giữa Công an tỉnh và Bộ Chỉ huy Quân sự tỉnh", "toi-mat"),
    # Level fields.
    ("Độ mật: Tối mật", "toi-mat"),
    ("độ mật - mật", "mat"),
    ("ĐỘ MẬT: TUYỆT MẬT", "tuyet-mat"),
    ("Độ khẩn: Hỏa tốc; Độ mật: Mật", "mat"),
    ("Mức độ mật: Mật\nNơi nhận: Như trên", "mat"),
    ("Độ mật = Tuyệt mật", "tuyet-mat"),
    ("Trích báo cáo: \"Độ mật: TỐI MẬT. Tình hình các vụ lộ lọt thông tin trên mạng xã hội...\"",
     "toi-mat"),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nKẾ HOẠCH\n"
     "Kiểm tra công tác bảo vệ bí mật nhà nước năm 2026\nĐộ mật: Mật\n1. Mục đích, yêu cầu", "mat"),
    # Bracketed stamps in forwarded-looking paragraphs.
    ("Công an tỉnh gửi Báo cáo số 15/BC-CAT (MẬT) về tình hình an ninh trên địa bàn, "
     "đề nghị các đơn vị nghiên cứu.", "mat"),
    ("Chuyển tiếp: Kế hoạch (TUYỆT MẬT) phòng chống tội phạm năm 2026, các đồng chí triển khai ngay.",
     "tuyet-mat"),
    ("Thông báo «TỐI MẬT» của Ban Thường vụ Tỉnh ủy về công tác cán bộ", "toi-mat"),
    ("(TUYỆT MẬT) Danh sách cán bộ được phân công nhiệm vụ đặc biệt", "tuyet-mat"),
    ("Căn cứ Kế hoạch số 12/KH-UBND ngày 05/01/2026 của UBND tỉnh (Mật), Sở Y tế triển khai như sau",
     "mat"),
    # Upper-case stamp standing out in ordinary prose.
    ("Gửi anh báo cáo TỐI MẬT số 15/BC-CAT", "toi-mat"),
    ("Em gửi lại văn bản MẬT của Sở Tài chính để anh xem trước buổi họp chiều nay.", "mat"),
    ("Tài liệu này là TỐI MẬT, đề nghị đồng chí không phổ biến.", "toi-mat"),
    ("Kính gửi đồng chí Giám đốc,\nEm xin chuyển nội dung công văn TỐI MẬT của Bộ Công an như sau:\n"
     "1. Tăng cường kiểm tra an ninh mạng.", "toi-mat"),
    ("Gui anh ke hoach TOI MAT so 12/KH cua tinh", "toi-mat"),
    # Pasted prose: "bất kỳ … nào", "đòi hỏi" are not question words.
    ("Thực hiện chỉ đạo TỐI MẬT của Tỉnh ủy, yêu cầu các đơn vị không để xảy ra bất kỳ sơ hở nào",
     "toi-mat"),
    ("Kính gửi\nBÁO CÁO TỐI MẬT SỐ 15/BC-CAT về việc bảo đảm an ninh, đòi hỏi các lực lượng phối hợp",
     "toi-mat"),
    # A stamp opening the text, then a separator or a document title.
    ("MẬT - Báo cáo tình hình bảo vệ bí mật nhà nước 6 tháng đầu năm", "mat"),
    ("TỐI MẬT. Kế hoạch số 12/KH-BCĐ về kiểm tra an ninh thiết bị", "toi-mat"),
    ("TUYỆT MẬT Quyết định số 88/QĐ-UBND", "tuyet-mat"),
    ("**TỐI MẬT**: Phương án bảo vệ hội nghị ngày 15/3", "toi-mat"),
    ("TUYỆT MẬT - CHỈ THỊ CỦA THƯỜNG TRỰC TỈNH ỦY", "tuyet-mat"),
    # Encodings and typing variants.
    (nfd("ỦY BAN NHÂN DÂN TỈNH\nTỐI MẬT\nSố: 7/TB-UBND"), "toi-mat"),
    (nfd("Độ mật: Tuyệt mật"), "tuyet-mat"),
    ("T\u200bỐI M\u200bẬT\nSố: 3/KH-SYT", "toi-mat"),
    ("M\u200bẬ\u200bT", "mat"),
    ("TỐI\u200bMẬT\nKế hoạch tuần tra", "toi-mat"),
    ("Độ\u00a0mật:\u00a0Mật", "mat"),
    ("\u00d0ộ mật: Tối mật", "toi-mat"),
    ("DO MAT: TOI MAT", "toi-mat"),
    ("TOI MAT\nSo: 12/KH-UBND\nKe hoach trien khai", "toi-mat"),
    ("ＴỐＩ ＭẬＴ", "toi-mat"),
    # A stamp in capitals on a line of its own is a marking whatever follows.
    ("TỐI MẬT\nbảo vệ bao lâu?", "toi-mat"),
]

# Ordinary text, above all questions about secrecy levels.
ORDINARY = [
    # One-line lower-case search queries.
    "tối mật",
    "mật",
    "Mật",
    "Tối mật.",
    "Tối mật?",
    "MẬT?",
    # Questions about levels, in every case and accent style.
    "tài liệu tối mật được bảo vệ bao lâu?",
    "tài liệu TỐI MẬT được bảo vệ bao lâu?",
    "Thời hạn bảo vệ BMNN độ Tối mật là bao lâu?",
    "độ mật là gì",
    "Độ mật là gì?",
    "có mấy độ mật",
    "BẢO VỆ BÍ MẬT NHÀ NƯỚC LÀ GÌ",
    "TÀI LIỆU TỐI MẬT BẢO VỆ BAO LÂU",
    "TÀI LIỆU MẬT CÓ ĐƯỢC PHOTO KHÔNG",
    "tai lieu toi mat bao ve bao lau",
    "TAI LIEU TOI MAT BAO VE BAO LAU",
    nfd("Tài liệu Tối mật được bảo vệ bao lâu?"),
    "Tài liệu TỐI MẬT có được mang về nhà không ạ",
    "tài liệu TUYỆT MẬT do ai ký ban hành",
    "Em có tài liệu TỐI MẬT. Phải bảo quản thế nào?",
    "TỐI MẬT - thời hạn bảo vệ bao lâu?",
    "MẬT, TỐI MẬT, TUYỆT MẬT khác nhau thế nào?",
    "Dấu GIẢI MẬT có kích thước bao nhiêu?",
    "Tài liệu đóng dấu Tối mật nhưng thấy chỉ nên là Mật thì điều chỉnh thế nào?",
    "Họp có nội dung BMNN độ Mật thì việc sử dụng thiết bị ghi âm do ai quyết định?",
    # Lists of levels and a level field that is a question.
    "Có 3 độ mật: Mật, Tối mật và Tuyệt mật",
    "Độ mật: mật, tối mật, tuyệt mật khác nhau thế nào?",
    "Độ mật: Mật là gì?",
    "Các độ mật gồm:\n- Mật\n- Tối mật\n- Tuyệt mật",
    "Cho em hỏi\ntối mật",
    "MẬT - TỐI MẬT - TUYỆT MẬT",
    "Mật / Tối mật / Tuyệt mật",
    "Phân biệt MẬT, TỐI MẬT và TUYỆT MẬT",
    "Độ mật: Mật - Tối mật - Tuyệt mật",
    "Kế hoạch số 12 (Mật) giao việc gì cho Sở Y tế?",
    # Lookup queries without a question word, and chat particles.
    "Quy trình tiêu hủy tài liệu TUYỆT MẬT",
    "thời hạn bảo vệ tài liệu TỐI MẬT",
    "Thẩm quyền cho phép sao chụp tài liệu TỐI MẬT",
    "Mẫu sổ đăng ký tài liệu MẬT đi",
    "Tài liệu MẬT lưu ở đâu",
    "Tài liệu TỐI MẬT thì ai cũng được xem à",
    "tài liệu có dấu chữ MẬT màu đỏ là loại gì",
    "Tài liệu tối mật (bản sao) có phải đăng ký không",
    # Talk about stamps and levels, not markings.
    "Hướng dẫn đóng dấu TỐI MẬT cho văn bản điện tử",
    "Xác định độ MẬT của văn bản dựa vào danh mục bí mật nhà nước",
    # "mật" in ordinary words.
    "bí mật",
    "Bí mật nhà nước là gì?",
    "BẢO VỆ BÍ MẬT NHÀ NƯỚC",
    "Luật BẢO VỆ BÍ MẬT NHÀ NƯỚC năm 2018 có hiệu lực từ ngày 01/7/2020",
    "Vụ LỘ MẬT tại xã Tân Thành đã được xử lý nghiêm",
    "quên mật khẩu email công vụ thì lấy lại thế nào",
    "lam sao doi mat khau wifi cua viettel",
    "Đổi MẬT KHẨU hộp thư công vụ định kỳ 3 tháng một lần",
    "MẬT KHẨU WIFI CỦA PHÒNG LÀ GÌ",
    "mat ong rung co tac dung gi",
    "Mua MẬT ONG rừng ở đâu ngon",
    "mật độ dân số tỉnh Lạng Sơn",
    "Hai cơ quan có quan hệ mật thiết trong công tác này",
    "Sản phẩm MẬT MÃ do Ban Cơ yếu Chính phủ cung cấp",
    "Cục Cơ yếu",
    "Tăng cường bảo mật hệ thống thông tin",
    "BẢO MẬT THÔNG TIN",
    # Look-alike words: MẤT (lost), MẶT (front), unaccented "bi MAT" (bị mất).
    "Báo cáo vụ MẤT tài liệu tại Sở Nội vụ",
    "Ủy ban MẶT TRẬN Tổ quốc tỉnh tổ chức hội nghị tổng kết",
    "Em bi MAT dien thoai cong vu",
    "TÔI MẤT TÀI LIỆU",
    "thu tuc cap so do dat o lang son mat bao lau",
    "",
]


@pytest.mark.parametrize(("text", "level"), MARKED)
def test_marked_text_is_found_with_its_level(text, level):
    marking = find_marking(text)
    assert marking is not None, text
    assert marking.level == level


@pytest.mark.parametrize("text", ORDINARY)
def test_questions_and_ordinary_words_are_not_markings(text):
    assert find_marking(text) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("UBND TỈNH\nMẬT\nSố: 1/KH", "stamp-line"),
        ("SỞ NỘI VỤ          MẬT", "stamp-line"),
        ("Báo cáo số 15/BC-CAT (MẬT) về tình hình", "stamp-bracketed"),
        ("Độ mật: Tối mật", "level-field"),
        ("MẬT - Báo cáo tình hình", "stamp-leading"),
        ("Gửi anh báo cáo TỐI MẬT số 15/BC-CAT", "stamp-inline"),
    ],
)
def test_each_rule_reports_its_kind(text, kind):
    marking = find_marking(text)
    assert marking is not None and marking.kind == kind


def test_the_first_marking_in_the_text_is_reported():
    # By position, not by rule: the field comes before the stamp line.
    text = "Độ mật: Tối mật\nKế hoạch số 9/KH-UBND\nTUYỆT MẬT\nNội dung: xem phụ lục (MẬT)"
    assert find_marking(text) == Marking("level-field", "toi-mat")


def test_enough_cases_in_both_directions():
    assert len(MARKED) >= 35 and len([t for t in ORDINARY if t]) >= 35


def _questions(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["question"] for line in lines if line.strip()]


def test_real_user_questions_are_never_flagged():
    questions = _questions(REGRESSION_QUESTIONS)
    if DEV_QUESTIONS.exists():
        questions += _questions(DEV_QUESTIONS)
    assert len(questions) > 200
    flagged = [(q, find_marking(q)) for q in questions if find_marking(q) is not None]
    assert flagged == []


# --- the shared corpus, and generated variants of every stamp ------------------------------------


@pytest.mark.parametrize(("text", "level"), corpus.MARKED)
def test_every_marked_text_of_the_corpus_is_refused_with_its_level(text, level):
    marking = find_marking(text)
    assert marking is not None and marking.level == level


@pytest.mark.parametrize("text", corpus.QUESTIONS)
def test_no_question_of_the_corpus_is_refused(text):
    assert find_marking(text) is None


def test_the_corpus_is_large_enough_to_mean_something():
    assert len(corpus.MARKED) >= 120 and len(corpus.QUESTIONS) >= 60


@pytest.mark.parametrize("header", corpus.HEADERS)
@pytest.mark.parametrize(("stamp", "level"), corpus.STAMPS)
@pytest.mark.parametrize("case", [str.upper, str.lower, str.title])
def test_a_stamp_on_its_own_line_of_a_header_is_refused_in_any_case(header, stamp, level, case):
    marking = find_marking(header.format(stamp=case(stamp)))
    assert marking is not None and marking.level == level


SEPARATORS = [" ", ".", "-", "_", "·", "*", "/", " . ", "  ", "\u00a0", "\u3000"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\u2063", "\u034f",
             "\u00ad", "\ufeff", "\u202a", "\u202c", "\u2066", "\u2069", "\u180e", "\ufe0f"]
# Letters of other scripts and forms that look like the Latin letters of the stamps.
LOOKALIKES = {
    "M": ["\u041c", "\u039c", "\uff2d", "\U0001d40c", "\u216f"],
    "T": ["\u0422", "\u03a4", "\uff34", "\U0001d413"],
    "O": ["\u041e", "\u039f", "\uff2f", "\u0555"],
    "I": ["\u0406", "\u0399", "\uff29", "\u04c0", "\u2160"],
    "A": ["\u0410", "\u0391", "\uff21"],
    "U": ["\u054d", "\uff35"],
    "Y": ["\u04ae", "\u03a5", "\uff39"],
    "E": ["\u0415", "\u0395", "\uff25"],
}


HEADER_DECORATIONS = ["{}", "- {} -", "[{}]", "({})", "*{}*", "« {} »", "{}."]


@st.composite
def disguised_stamps(draw, decorations: tuple[str, ...] = tuple(HEADER_DECORATIONS)) -> tuple[str, str]:
    """A stamp written the ways people (and evaders) write it: spaced, invisible, look-alike, any case."""
    base, level = draw(st.sampled_from(corpus.STAMPS))
    case = draw(st.sampled_from([str.upper, str.lower, str.title]))
    words = case(base).split()
    spaced = draw(st.booleans())
    separator = draw(st.sampled_from(SEPARATORS))
    written = []
    for word in words:
        letters = []
        for letter in unicodedata.normalize("NFD", word):
            if unicodedata.combining(letter):  # keep accents on their letter
                letters[-1] += letter
                continue
            plain = letter.upper()
            if plain in LOOKALIKES and letter.isupper() and draw(st.booleans()):
                letter = draw(st.sampled_from(LOOKALIKES[plain]))
            letters.append(letter)
        letters = [letter + (draw(st.sampled_from(INVISIBLE)) if draw(st.integers(0, 3)) == 0 else "")
                   for letter in letters]
        written.append((separator if spaced else "").join(letters))
    stamp = ((separator * 3 if spaced and separator.strip() else "   ") if spaced else " ").join(written)
    if draw(st.booleans()):
        stamp = unicodedata.normalize("NFC", stamp)
    decoration = draw(st.sampled_from(decorations))
    return decoration.format(stamp), level


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(disguised_stamps(), st.sampled_from(corpus.HEADERS), st.booleans())
def test_a_disguised_stamp_in_a_header_is_refused_with_its_level(stamp, header, decompose):
    written, level = stamp
    text = header.format(stamp=written)
    if decompose:
        text = corpus.nfd(text)
    marking = find_marking(text)
    assert marking is not None and marking.level == level, text


@settings(max_examples=300, deadline=None)
@given(disguised_stamps(decorations=("{}", "“{}”", "*{}*")),
       st.sampled_from(["Độ mật: {}", "ĐỘ MẬT - {}", "Do mat = {}", "Độ mật {}", "Mức độ mật: {}"]),
       st.sampled_from(["\nKế hoạch số 12/KH-UBND", "\nSố: 215/BC-ANNĐ\nBÁO CÁO", ""]))
def test_a_disguised_level_in_a_level_field_is_refused(stamp, field, rest):
    written, level = stamp
    marking = find_marking(field.format(written) + rest)
    assert marking is not None and marking.level == level


@settings(max_examples=300, deadline=None)
@given(disguised_stamps(decorations=("({})", "[{}]", "«{}»")),
       st.sampled_from(["Gửi anh báo cáo số 15/BC-CAT {} về tình hình", "{} Kế hoạch số 12 của UBND",
                        "Em gửi bản {} để anh xem"]))
def test_a_disguised_stamp_in_brackets_inside_prose_is_refused(stamp, sentence):
    written, level = stamp
    marking = find_marking(sentence.format(written))
    assert marking is not None and marking.level == level


def test_every_format_character_is_removed_before_matching():
    format_chars = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"]
    assert len(format_chars) > 150
    kept = [f"U+{ord(c):04X}" for c in format_chars if c in normalise(f"M{c}ẬT")]
    assert kept == []
    assert find_marking("UBND TỈNH\n" + "".join(format_chars[:40]).join("MẬT") + "\nSố: 1/KH") is not None


VIETNAMESE_LETTERS = ("aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstu"
                      "ùủũúụưừửữứựvxyỳỷỹýỵ")


def test_look_alike_mapping_never_changes_vietnamese_text():
    letters = VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() + "0123456789"
    assert normalise(letters + " " + letters) == letters + " " + letters
    text = "Kế hoạch số 12/KH-UBND của Ủy ban nhân dân tỉnh Lạng Sơn — “Bảo vệ bí mật nhà nước”"
    assert normalise(text) == text
