"""Leak guard, text part: does a message carry a classification marking?

The assistant must never become a channel for secret content. A text that carries a
classification marking — the stamps MẬT / TỐI MẬT / TUYỆT MẬT written *as markings*, or a
field "Độ mật: …" — is almost certainly pasted from a classified document, so the caller
refuses it (nothing stored, the user warned, the message deleted).

The same words are also the subject of most questions users ask ("tài liệu tối mật được bảo
vệ bao lâu?", "độ mật là gì", "BẢO VỆ BÍ MẬT NHÀ NƯỚC LÀ GÌ"), so a keyword match would
refuse the product's own core use. The rules therefore look for the *form* of a marking, not
the word: a stamp alone on its line (or in its column of a copied header), a stamp alone in
brackets, a level field, a line opening with an upper-case stamp and a document continuation,
or an upper-case stamp that stands out from mixed-case prose that is not a question. Ordinary
compounds ("bí mật", "mật khẩu", "mật ong", "bảo mật", "mật độ", "dấu MẬT") and lists of levels
("Mật, Tối mật và Tuyệt mật") never count.

Input is normalised first because users paste from everywhere: NFD text (macOS, Word),
zero-width characters and NBSP inside words, the Icelandic "Ð" typed for "Đ", and
unaccented typing ("TOI MAT", "Do mat"). Accents are *not* folded away: "MẤT" (lost),
"MẶT" (face, front) and "MẬT" must stay distinct; only the fully unaccented form is accepted
as an alternative.

Pure and fast: a handful of precompiled regexes over the text, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Marking", "find_marking"]


@dataclass(frozen=True, slots=True)
class Marking:
    """A classification marking found in a text.

    `kind` is the rule that fired ("stamp-line", "stamp-bracketed", "level-field",
    "stamp-leading", "stamp-inline"), for logs and tests; `level` is the level found
    ("mat", "toi-mat", "tuyet-mat"), for the warning shown to the user.
    """

    kind: str
    level: str


# --- normalisation ------------------------------------------------------------------------------

# Deleted: zero-width space/joiners, word joiner, BOM, soft hyphen, Mongolian vowel separator.
# Mapped: the Icelandic eth (U+00D0/U+00F0), which looks exactly like Đ/đ. Spaces such as NBSP
# and U+202F become plain spaces through NFKC, which also folds full-width letters.
# (A regex and two str.replace calls: str.translate with a dict is ~50x slower on Vietnamese.)
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad\u180e]")


def _normalise(text: str) -> str:
    # Clean before composing so that a zero-width char between a letter and its combining
    # accent (NFD input) does not prevent the composition.
    text = _INVISIBLE.sub("", text).replace("\u00d0", "Đ").replace("\u00f0", "đ")
    return unicodedata.normalize("NFKC", text)


# --- building blocks -----------------------------------------------------------------------------

# A level, accented or fully unaccented. Character classes are written in upper case; rules that
# accept any case compile with re.IGNORECASE. "[ \t]*" (not "\s") keeps a stamp on one line and
# accepts "TỐIMẬT" left behind by a deleted zero-width space.
_LEVEL = r"(?:TUY[ỆE]T[ \t]*M[ẬA]T|T[ỐO]I[ \t]*M[ẬA]T|M[ẬA]T)"
_LEVEL_WORD = rf"(?<!\w){_LEVEL}(?!\w)"
# "mật, tối mật và tuyệt mật", "MẬT - TỐI MẬT": a list of levels is talk about levels, not a marking.
_NOT_A_LIST = rf"(?!(?i:[ \t]*(?:[-–—,/;&+]|và|va|hoặc|hoac|hay)\s*{_LEVEL_WORD}))"
_NO_LEVEL_NEXT = rf"(?!(?i:\s*{_LEVEL_WORD}))"

# Cheap pre-filter: no "mật"/"mat" at all → nothing to do (the vast majority of messages).
_ANY_LEVEL = re.compile(r"M[ẬA]T", re.IGNORECASE)

# A line holding only a stamp, optionally decorated: "MẬT", "[TỐI MẬT]", "(Tuyệt mật)", "*MẬT*".
# "?" is excluded so that "Tối mật?" stays a question.
_STAMP_LINE = re.compile(rf"^[^\w\n?]*(?P<stamp>{_LEVEL})[^\w\n?]*$", re.MULTILINE | re.IGNORECASE)

# An upper-case stamp set apart from the rest of its line by a wide gap: the header of a document
# copied from a PDF or Word table, "SỞ NỘI VỤ          MẬT". Whitespace and decoration are kept
# apart ("\S", "[^\w\s?]") so that long runs of spaces cannot make the regex backtrack.
_GAP = r"(?:\t|   )[ \t]*"
_STAMP_COLUMN = re.compile(
    rf"\S{_GAP}[^\w\s?]*(?P<end>{_LEVEL})[^\w\n?]*$|^[^\w\s?]*(?P<start>{_LEVEL})[^\w\s?]*{_GAP}\S",
    re.MULTILINE,
)

# A stamp alone in brackets anywhere: "(MẬT)", "[TUYỆT MẬT]", "«TỐI MẬT»", "(Mật)".
_BRACKETED = re.compile(
    rf"[(\[«{{<‹【〔〈][ \t*_\"'“”]*(?P<stamp>{_LEVEL})[ \t*_\"'“”]*[)\]»}}>›】〕〉]",
    re.IGNORECASE,
)

# "Độ mật: Tối mật", "ĐỘ MẬT - MẬT", "Do mat = toi mat", "Mức độ mật: Mật".
_LEVEL_FIELD = re.compile(
    rf"(?<!\w)[ĐD][ỘO][ \t]*M[ẬA]T[ \t]*[:\-–—=]\s*[\"'“”*_(\[]*(?P<stamp>{_LEVEL})(?!\w){_NOT_A_LIST}",
    re.IGNORECASE,
)

# Words that open a document title or header after a stamp: "TỐI MẬT Kế hoạch số 12/KH…".
_DOC_WORDS = (
    r"(?i:số|so|báo[ \t]+cáo|bao[ \t]+cao|kế[ \t]+hoạch|ke[ \t]+hoach|quyết[ \t]+định|quyet[ \t]+dinh|"
    r"công[ \t]+văn|cong[ \t]+van|thông[ \t]+báo|thong[ \t]+bao|tờ[ \t]+trình|to[ \t]+trinh|"
    r"biên[ \t]+bản|bien[ \t]+ban|chỉ[ \t]+thị|chi[ \t]+thi|nghị[ \t]+quyết|nghi[ \t]+quyet|"
    r"hướng[ \t]+dẫn|huong[ \t]+dan|kính[ \t]+gửi|kinh[ \t]+gui|văn[ \t]+bản|van[ \t]+ban|"
    r"phương[ \t]+án|phuong[ \t]+an|đề[ \t]+án|de[ \t]+an|công[ \t]+điện|cong[ \t]+dien|"
    r"chương[ \t]+trình|chuong[ \t]+trinh|v/v)"
)

# A line opening with an upper-case stamp, then a separator or a document word:
# "MẬT - Báo cáo tình hình…", "TỐI MẬT. Kế hoạch số 12/KH…", "**MẬT**: …".
_LEADING = re.compile(
    rf"^[ \t*_\"'“”«\[(]*(?P<stamp>{_LEVEL})(?!\w)[ \t*_\"'“”»\])]*"
    rf"(?:[ \t]*[-–—:.;|/=]{_NO_LEVEL_NEXT}|[ \t]+{_DOC_WORDS}(?!\w))",
    re.MULTILINE,
)

# An upper-case "MẬT" anywhere; the TỐI/TUYỆT in front may be in any case ("Tối MẬT").
_INLINE = re.compile(rf"(?<!\w)(?:(?i:TUY[ỆE]T|T[ỐO]I)[ \t]*)?M[ẬA]T(?!\w){_NOT_A_LIST}")

# Compounds that make "mật" an ordinary word: bí mật, giải mật, bảo mật, cơ mật, thân mật, lộ mật,
# giảm mật; talk *about* a level: "dấu MẬT", "độ TỐI MẬT", "mức MẬT", "chữ MẬT"; and the end of a
# list of levels ("tối mật và MẬT").
_WORD_BEFORE = re.compile(
    r"(?<!\w)(?:bí|bị|bi|giải|giai|bảo|bao|cơ|thân|than|lộ|lo|giảm|giam|dấu|dau|độ|do|mức|muc|"
    r"cấp|cap|chữ|chu)[ \t]+\Z"
    rf"|{_LEVEL_WORD}[ \t]*(?:[-–—,/;&+]|và|va|hoặc|hoac|hay)[ \t]*\Z",
    re.IGNORECASE,
)
# mật khẩu, mật mã, mật ong, mật độ, mật thiết, mật báo (not "MẬT Báo cáo"), mật thư, mật vụ…
_WORD_AFTER = re.compile(
    r"[ \t]+(?:khẩu|khau|mã|ma|ong|độ|thiết|thiet|báo(?![ \t]+cáo)|thư|thu|vụ|vu|ước|uoc|danh|đàm|"
    r"dam|lệnh|lenh|hiệu|hieu|khu|mía|mia|gấu|gau|ngọt|ngot|thám|tham|hoa|nghị|ngữ)(?!\w)",
    re.IGNORECASE,
)


def _phrases(*items: str) -> str:
    return "|".join(item.replace(" ", r"[ \t]+") for item in items)


# Interrogatives, on the lower-cased (not folded) text: accented forms and fully unaccented
# forms. Folding would turn "hội nghị" into "hoi" (= hỏi) and "sao chụp" (copy) into "sao"
# (why), making every pasted document look like a question.
_QUESTION = re.compile(
    r"\?"
    r"|(?<!\w)(?:"
    + _phrases(
        "bao lâu", "bao lau", "bao giờ", "bao gio", "bao nhiêu", "bao nhieu", "được không",
        "duoc khong", "có phải", "co phai", "tại sao", "tai sao", "vì sao", "vi sao", "ra sao",
        "làm sao", "lam sao", "thì sao", "thi sao", "có sao", "co sao", "o dau", "ve dau",
        "ai", "gì", "gi", "nào", "nao", "mấy", "đâu",
    )
    + r")(?!\w)"
    # "hỏi", but not "đòi hỏi" (to require), common in official prose.
    + r"|(?<!\w)(?<!đòi )(?<!doi )h[ỏo]i(?!\w)"
    # "… có được mang vào không ạ", "… đã giải mật chưa", "… thì sao", "… được xem à";
    # not "… bản sao" (a copy).
    + r"|(?<!\w)(?<!bản )(?<!ban )(?:không|khong|chưa|chua|sao|à|hả|nhỉ)"
    r"(?:[ \t]+(?:ạ|a|nhỉ|nhi|vậy|vay|nhé|nhe|hả|ha|thế|anh|chị|chi|em|ad))*[ \t.!…]*$"
    # Lookup openers: "Quy trình tiêu hủy tài liệu TUYỆT MẬT" is a query without a question word.
    + r"|\A\s*(?:"
    + _phrases(
        "quy trình", "quy trinh", "thủ tục", "thu tuc", "thời hạn", "thoi han", "thẩm quyền",
        "tham quyen", "trách nhiệm", "trach nhiem", "cách", "cach", "mẫu", "điều kiện", "dieu kien",
        "quy định về", "quy dinh ve", "hướng dẫn về", "huong dan ve", "tìm hiểu", "tim hieu",
        "tra cứu", "tra cuu", "giải thích", "giai thich", "phân biệt", "phan biet", "so sánh",
        "so sanh", "khái niệm", "khai niem", "định nghĩa", "dinh nghia", "nguyên tắc", "nguyen tac",
    )
    + r")(?!\w)",
    re.MULTILINE,
)


# Interrogatives used as indefinites are not questions: "bất kỳ đơn vị nào", "ai cũng", "gì đó".
# The span is bounded (one short clause) to keep the scan linear.
_INDEFINITE = re.compile(
    r"(?<!\w)(?:bất|bat)[ \t]+(?:kỳ|kì|ky|ki|cứ|cu)(?!\w)[^\n?.;]{0,60}?(?<!\w)(?:nào|nao|ai|gì|gi|đâu)(?!\w)"
    r"|(?<!\w)(?:nào|nao|ai|gì|gi|đâu)[ \t]+(?:đó|cũng|khác|hết|cả)(?!\w)"
)


def _is_question(text: str) -> bool:
    return _QUESTION.search(_INDEFINITE.sub(" ", text.lower())) is not None


def _line_at(text: str, pos: int) -> str:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text[start:] if end < 0 else text[start:end]


def _level(stamp: str) -> str:
    first = stamp[:3].lower()
    if first.startswith("tuy"):
        return "tuyet-mat"
    if first.startswith("t"):
        return "toi-mat"
    return "mat"


# --- the rules ---------------------------------------------------------------------------------
# Each returns (position, Marking) for its first hit, or None.

_Hit = tuple[int, Marking]


def _stamp_line(text: str) -> _Hit | None:
    """A stamp on a line (or in a column) of its own: a document header.

    Upper case counts, except in a short question ("TỐI MẬT\\nbảo vệ bao lâu?"); another case
    counts only in a multi-line text that is not a question, because a single lower-case line
    ("tối mật") is a search query. A list of levels on separate lines ("- Mật\\n- Tối mật\\n-
    Tuyệt mật") is talk about levels; a real header carries one level.
    """
    matches = list(_STAMP_LINE.finditer(text))
    if matches and len({_level(m["stamp"]) for m in matches}) == 1:
        content_lines = sum(1 for line in text.splitlines() if line.strip())
        for m in matches:
            stamp = m["stamp"]
            if stamp.isupper():
                if content_lines > 2 or not _is_question(text):
                    return m.start("stamp"), Marking("stamp-line", _level(stamp))
            elif content_lines > len(matches) and not _is_question(text):
                return m.start("stamp"), Marking("stamp-line", _level(stamp))
    m = _STAMP_COLUMN.search(text)
    if m:
        group = "end" if m["end"] else "start"
        return m.start(group), Marking("stamp-line", _level(m[group]))
    return None


def _stamp_bracketed(text: str) -> _Hit | None:
    """A stamp alone in brackets, anywhere: the way a marking is carried into prose.

    Upper case always counts; "(Mật)" only when the text is not a question.
    """
    for m in _BRACKETED.finditer(text):
        if m["stamp"].isupper() or not _is_question(text):
            return m.start(), Marking("stamp-bracketed", _level(m["stamp"]))
    return None


def _level_field(text: str) -> _Hit | None:
    """A level field "Độ mật: <level>", any case, unless its line is a question ("Độ mật: Mật là gì?")."""
    for m in _LEVEL_FIELD.finditer(text):
        if not _is_question(_line_at(text, m.start())):
            return m.start(), Marking("level-field", _level(m["stamp"]))
    return None


def _stamp_leading(text: str) -> _Hit | None:
    """A line opening with an upper-case stamp and a separator or document word.

    The question test is on that line only: a pasted document often contains "nào", "ai"…
    somewhere, but its header line does not.
    """
    for m in _LEADING.finditer(text):
        if not _is_question(_line_at(text, m.start())):
            return m.start("stamp"), Marking("stamp-leading", _level(m["stamp"]))
    return None


def _stamp_inline(text: str) -> _Hit | None:
    """An upper-case stamp standing out from mixed-case prose that is not a question.

    Caps-lock messages ("TÀI LIỆU TỐI MẬT BẢO VỆ BAO LÂU") have nothing to stand out from.
    The question test is on the whole message: chat questions often span two sentences
    ("Em có tài liệu TỐI MẬT. Phải bảo quản thế nào?").
    """
    if text.upper() == text or _is_question(text):
        return None
    for m in _INLINE.finditer(text):
        start, end = m.span()
        if _WORD_BEFORE.search(text, max(0, start - 24), start):
            continue
        stamp = m[0]
        after = _WORD_AFTER.match(text, end)
        # "MẬT KHẨU" is a compound in capitals; "MẬT danh sách…" is a stamp before prose.
        if _level(stamp) == "mat" and after and after[0].strip().upper() == after[0].strip():
            continue
        return start, Marking("stamp-inline", _level(stamp))
    return None


# Priority breaks ties at the same position: the more specific rule names the marking.
_RULES = (_stamp_line, _stamp_bracketed, _level_field, _stamp_leading, _stamp_inline)


def find_marking(text: str) -> Marking | None:
    """The first classification marking in `text`, or None for ordinary text (incl. questions about levels).

    "First" is by position in the normalised text; at the same position the more specific rule
    wins (line, bracketed, field, leading, inline).
    """
    if not text:
        return None
    norm = _normalise(text)
    if not _ANY_LEVEL.search(norm):
        return None
    best: tuple[int, int, Marking] | None = None
    for priority, rule in enumerate(_RULES):
        hit = rule(norm)
        if hit is not None and (best is None or (hit[0], priority) < best[:2]):
            best = (hit[0], priority, hit[1])
    return best[2] if best else None
