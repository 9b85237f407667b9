"""Leak guard, text part: does a text carry a classification marking?

The assistant must never become a channel for secret content. A text that carries a
classification marking — the stamps MẬT / TỐI MẬT / TUYỆT MẬT written *as markings*, or a
field "Độ mật: …" — is almost certainly pasted from a classified document, so it is refused
wherever text enters storage or is sent on (`check` raises `MarkedText`; the caller warns the
user, and in the chat the message is deleted).

The same words are also the subject of most questions users ask ("tài liệu tối mật được bảo
vệ bao lâu?", "độ mật là gì", "BẢO VỆ BÍ MẬT NHÀ NƯỚC LÀ GÌ"), so a keyword match would
refuse the product's own core use. The rules look for the *form* of a marking:

1. **A stamp on a line of its own** — the line holds one level and nothing but decoration,
   spacing and punctuation ("MẬT", "- TỐI MẬT -", "[M Ậ T]"), or the stamp stands in its own
   column of a copied header ("SỞ NỘI VỤ          MẬT"). In capitals it is a marking whatever
   else the text says ("TỐI MẬT⏎bảo vệ bao lâu"). In lower or mixed case it is one when the
   text has other lines and is not a question: a lone "tối mật" is a search, "Cho em hỏi⏎tối
   mật" a question, and "- Mật⏎- Tối mật⏎- Tuyệt mật" (several levels) a list.
2. **Inline**, in a line that holds more than the stamp, a level is a marking when it is
   - a level field: "Độ mật: Tối mật" anywhere (any separator), or "Độ mật Tối mật" opening a
     line — unless that line is a question ("Độ mật: Mật là gì?") or a list of levels;
   - spelled letter by letter ("M Ậ T", "M.Ậ.T", "T-Ố-I M-Ậ-T"), any case, anywhere: nobody
     writes a word that way except to get past a filter;
   - alone in brackets: "(MẬT)", "«TỐI MẬT»" always; "(Mật)" unless the text is a question;
   - opening a line in capitals, followed by a separator or a document word ("MẬT - Báo cáo…",
     "TỐI MẬT Kế hoạch số 12…"), unless that line is a question;
   - in capitals in mixed-case prose that is not a question ("Gửi anh báo cáo TỐI MẬT số
     15"), except in a compound ("bí MẬT", "MẬT KHẨU") or talk about a level ("dấu MẬT",
     "độ TỐI MẬT", "MẬT, TỐI MẬT và TUYỆT MẬT"). Caps-lock text has nothing to stand out from.
   A question has "?", a question word (bao lâu, ai, gì, nào, không… at the end) or opens
   with a lookup word ("Quy trình…", "Thời hạn…").

Normalisation comes first, because users paste from everywhere and some try to slip past:
line separators (CR LF, U+2028…) become "\\n"; compatibility decomposition (full-width and
mathematical letters, NBSP); every default-ignorable code point and format character (zero-
width spaces and joiners, bidi marks, U+034F, U+2063, variation selectors…) is removed;
letters of other scripts that look like Latin ones (Cyrillic "М", Greek "Τ"…) become those
letters, from Unicode's confusables data as shipped by `confusable_homoglyphs`; then the text
is composed again (NFC). Accents are *not* folded away: "MẤT" (lost), "MẶT" (face) and "MẬT"
must stay distinct; only the fully unaccented form ("TOI MAT") is accepted as an alternative.

Linear time in the length of the text: every regex is free of nested unbounded repetition,
each line's question test runs at most once, and the whole text's at most once.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from importlib.resources import files
from typing import TYPE_CHECKING

from knowledge.model import Provision

if TYPE_CHECKING:
    from knowledge.loader import KnowledgeBase

__all__ = ["LAW_BEFORE", "LAW_NOW", "MarkedText", "Marking", "check", "find_marking", "law_citations",
           "normalise"]

# The knowledge-base entries a refusal cites: Luật Bảo vệ bí mật nhà nước 2025 (Điều 5 khoản 4,
# in force from 01/3/2026) and 2018 (Điều 5 khoản 6, before it). `tests/bot` checks they exist.
LAW_NOW = "l117-d5-k4"
LAW_BEFORE = "l29-d5-k6"


@dataclass(frozen=True, slots=True)
class Marking:
    """A classification marking found in a text.

    `kind` is the rule that fired ("stamp-line", "stamp-spaced", "stamp-bracketed",
    "level-field", "stamp-leading", "stamp-inline"), for logs and tests; `level` is the level
    found ("mat", "toi-mat", "tuyet-mat"), for the warning shown to the user.
    """

    kind: str
    level: str


class MarkedText(ValueError):
    """Raised by `check`: the text carries a classification marking and must not be kept or sent."""

    def __init__(self, marking: Marking) -> None:
        super().__init__(f"classification marking ({marking.kind}, {marking.level})")
        self.marking = marking


def check(text: str | None) -> None:
    """The one guard before text is stored or sent on: raise `MarkedText` if it carries a marking."""
    if text:
        marking = find_marking(text)
        if marking is not None:
            raise MarkedText(marking)


def law_citations(kb: KnowledgeBase) -> dict[str, str]:
    """{"law_new", "law_old"}: the provisions a refusal cites, as "Khoản 4 Điều 5 <title> (<short>)"."""

    def cite(entry_id: str) -> str:
        entry = kb.by_id[entry_id]
        if not isinstance(entry, Provision):
            raise LookupError(f"{entry_id} is not a provision")
        doc = kb.documents[entry.doc_id]
        return f"{entry.citation_ref} {doc.title} ({doc.short})"

    return {"law_new": cite(LAW_NOW), "law_old": cite(LAW_BEFORE)}


# --- normalisation ------------------------------------------------------------------------------

_LINE_BREAKS = re.compile("\r\n?|[\v\f\x1c-\x1e\x85\u2028\u2029]")

# Default_Ignorable_Code_Point (Unicode DerivedCoreProperties.txt) and the format characters
# (category Cf) outside it. Removed before matching; a test checks every Cf code point.
_IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
    "\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd\U00013430-\U0001343f"
    "\ufff9-\ufffb]"
)

# Latin look-alikes of Đ that the confusables data maps to "D̵" (not one letter).
_EXTRA_LOOKALIKES = {"\u00d0": "Đ", "\u00f0": "đ", "\u0189": "Đ"}


@functools.cache
def _lookalikes() -> dict[int, str]:
    """Letters of other scripts (and Latin variants) that read as an ASCII letter → that letter.

    Built on first use from the confusables data (Unicode's confusables.txt, UTS #39), keeping
    only letters whose prototype is one ASCII letter. The data maps "I"-like capitals to "l"
    and some small letters to small capitals ("т" → "ᴛ"): capitals take "I", small capitals
    their letter, and a small letter without an ASCII prototype follows its capital ("м" as
    "М" → "M" → "m"). Vietnamese letters are never touched (đ/Đ are not in the map).
    """
    data = json.loads(files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8"))

    def direct(char: str) -> str | None:
        for entry in data.get(char, ()):
            target = entry["c"]
            if len(target) == 1 and target.isascii() and target.isalpha():
                return "I" if target == "l" and not char.islower() else target
            name = unicodedata.name(target, "") if len(target) == 1 else ""
            if name.startswith("LATIN LETTER SMALL CAPITAL ") and len(name) == 28:
                return name[-1].lower()
        return None

    mapping: dict[str, str] = {}
    for char in data:
        if len(char) != 1 or char.isascii() or not unicodedata.category(char).startswith("L"):
            continue
        target = direct(char)
        if target is None and char.upper() != char and len(char.upper()) == 1:
            capital = direct(char.upper())
            target = capital.lower() if capital is not None and capital.isupper() else None
        if target is not None:
            mapping[char] = target
    mapping.update(_EXTRA_LOOKALIKES)
    return {ord(char): target for char, target in mapping.items()}


# What Vietnamese text is made of after decomposition: ASCII, combining accents, đ/Đ, common
# punctuation. Only a text with anything else goes through the look-alike table.
_PLAIN = re.compile(r"[\x00-\x7f\u0300-\u036f\u0110\u0111\u00a1-\u00bf\u2010-\u2027\u2030-\u205e]*\Z")


def normalise(text: str) -> str:
    """The text as the rules read it (see the module docstring); linear in its length."""
    text = _LINE_BREAKS.sub("\n", text)
    text = _IGNORABLE.sub("", unicodedata.normalize("NFKD", text))
    if not _PLAIN.match(text):
        text = text.translate(_lookalikes())
    return unicodedata.normalize("NFC", text)


# --- building blocks -----------------------------------------------------------------------------

# A level, accented or fully unaccented. Character classes are written in upper case; rules that
# accept any case compile with re.IGNORECASE. "[ \t]*" (not "\s") keeps a stamp on one line and
# accepts "TỐIMẬT" left behind by a deleted zero-width space.
_LEVEL = r"(?:TUY[ỆE]T[ \t]*M[ẬA]T|T[ỐO]I[ \t]*M[ẬA]T|M[ẬA]T)"
_LEVEL_WORD = rf"(?<!\w){_LEVEL}(?!\w)"
_LEVEL_LETTERS = re.compile(r"TUY[ỆE]TM[ẬA]T|T[ỐO]IM[ẬA]T|M[ẬA]T", re.IGNORECASE)
_NOT_LETTERS = re.compile(r"[\W\d_]+")
# "mật, tối mật và tuyệt mật", "MẬT - TỐI MẬT": a list of levels is talk about levels, not a marking.
_LIST_SEP = r"(?:[-–—,/;&+]|và|va|hoặc|hoac|hay)"
_NOT_A_LIST = rf"(?!(?i:[ \t]*{_LIST_SEP}[ \t]*{_LEVEL_WORD}))"
_NO_LEVEL_NEXT = rf"(?![ \t]*(?i:{_LEVEL_WORD}))"

# Between the letters of a spelled-out level: one to five spaces or punctuation marks.
_GAP_IN_WORD = r"(?:[^\w\n]|_){1,5}"


def _spelled(word: str) -> str:
    letters = re.findall(r"\[[^\]]*\]|.", word)
    return _GAP_IN_WORD.join(letters)


_SPACED = re.compile(
    rf"(?<!\w)(?:(?P<high>{_spelled('TUY[ỆE]T')}|{_spelled('T[ỐO]I')})(?:[^\w\n]|_){{0,16}})?"
    rf"{_spelled('M[ẬA]T')}(?!\w)",
    re.IGNORECASE,
)

# Cheap pre-filter: no "mật"/"mat", however spaced, → nothing to do (most messages).
_ANY_LEVEL = re.compile(r"M(?:[^\w\n]|_){0,5}[ẬA](?:[^\w\n]|_){0,5}T", re.IGNORECASE)

# Lines longer than this are prose, never a stamp line (stamps are short).
_STAMP_LINE_MAX = 80

# An upper-case stamp set apart from the rest of its line by a wide gap: the header of a document
# copied from a PDF or Word table, "SỞ NỘI VỤ          MẬT". Whitespace and decoration are kept
# apart ("\S", "[^\w\s?]") so that long runs of spaces cannot make the regex backtrack.
_GAP = r"(?:\t|   )[ \t]*+"
_STAMP_COLUMN = re.compile(
    rf"\S{_GAP}[^\w\s?]{{0,16}}(?P<end>{_LEVEL})[^\w\n?]*+$|^[^\w\s?]{{0,16}}(?P<start>{_LEVEL})[^\w\s?]{{0,16}}{_GAP}\S",
    re.MULTILINE,
)

# A stamp alone in brackets anywhere: "(MẬT)", "[TUYỆT MẬT]", "«TỐI MẬT»", "(Mật)".
_BRACKETED = re.compile(
    rf"[(\[«{{<‹【〔〈][ \t*_\"'“”]{{0,16}}(?P<stamp>{_LEVEL})[ \t*_\"'“”]{{0,16}}[)\]»}}>›】〕〉]",
    re.IGNORECASE,
)

_FIELD_NAME = r"[ĐD][ỘO][ \t]*M[ẬA]T"
# "Độ mật: Tối mật", "ĐỘ MẬT - MẬT", "Do mat = toi mat", "Mức độ mật: Mật" anywhere; and, opening a
# line, without a separator: "Độ mật Tối mật", "Do mat toi mat".
_LEVEL_FIELD = re.compile(
    rf"(?<!\w){_FIELD_NAME}[ \t]*+[:\-–—=][ \t]*+[\"'“”*_(\[]{{0,16}}(?P<stamp>{_LEVEL})(?!\w){_NOT_A_LIST}"
    rf"|^[^\w\n]*(?:(?:MỨC|MUC)[ \t]+)?{_FIELD_NAME}[ \t]++"
    rf"[\"'“”*_(\[]{{0,16}}(?P<bare>{_LEVEL})(?!\w){_NOT_A_LIST}",
    re.IGNORECASE | re.MULTILINE,
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
    rf"^[ \t*_\"'“”«\[(]{{0,16}}(?P<stamp>{_LEVEL})(?!\w)[*_\"'“”»\])]{{0,16}}[ \t]*+"
    rf"(?:[-–—:.;|/=]{_NO_LEVEL_NEXT}|(?<=[ \t]){_DOC_WORDS}(?!\w))",
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
    rf"|{_LEVEL_WORD}[ \t]*{_LIST_SEP}[ \t]*\Z",
    re.IGNORECASE,
)
_WORD_BEFORE_WINDOW = 24
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
    r"(?:[ \t]++(?:ạ|a|nhỉ|nhi|vậy|vay|nhé|nhe|hả|ha|thế|anh|chị|chi|em|ad))*+[ \t.!…]*+$",
    re.MULTILINE,
)
# Lookup openers: "Quy trình tiêu hủy tài liệu TUYỆT MẬT" is a query without a question word.
_OPENER = re.compile(
    r"\s*(?:"
    + _phrases(
        "quy trình", "quy trinh", "thủ tục", "thu tuc", "thời hạn", "thoi han", "thẩm quyền",
        "tham quyen", "trách nhiệm", "trach nhiem", "cách", "cach", "mẫu", "điều kiện", "dieu kien",
        "quy định về", "quy dinh ve", "hướng dẫn về", "huong dan ve", "tìm hiểu", "tim hieu",
        "tra cứu", "tra cuu", "giải thích", "giai thich", "phân biệt", "phan biet", "so sánh",
        "so sanh", "khái niệm", "khai niem", "định nghĩa", "dinh nghia", "nguyên tắc", "nguyen tac",
    )
    + r")(?!\w)",
)


# Interrogatives used as indefinites are not questions: "bất kỳ đơn vị nào", "ai cũng", "gì đó".
# The span is bounded (one short clause) to keep the scan linear.
_INDEFINITE = re.compile(
    r"(?<!\w)(?:bất|bat)[ \t]+(?:kỳ|kì|ky|ki|cứ|cu)(?!\w)[^\n?.;]{0,60}?(?<!\w)(?:nào|nao|ai|gì|gi|đâu)(?!\w)"
    r"|(?<!\w)(?:nào|nao|ai|gì|gi|đâu)[ \t]+(?:đó|cũng|khác|hết|cả)(?!\w)"
    # "hỏi" in a purpose clause asks nothing: "lưu giúp … để lúc cần hỏi lại".
    r"|(?<!\w)(?:để|de)[ \t]+[^\n?.;:]{0,30}?(?<!\w)h[ỏo]i(?!\w)"
)


def _is_question(text: str, *, opening: bool = True) -> bool:
    """Whether `text` reads as a question; `opening` False for a text that continues another
    (a later block of a long text), where the lookup openers do not apply."""
    lowered = text.lower()
    if opening and _OPENER.match(lowered):
        return True
    return _QUESTION.search(_INDEFINITE.sub(" ", lowered)) is not None


def _level(stamp: str) -> str:
    first = _NOT_LETTERS.sub("", stamp)[:3].lower()
    if first.startswith("tuy"):
        return "tuyet-mat"
    if first.startswith("t"):
        return "toi-mat"
    return "mat"


# --- long texts ---------------------------------------------------------------------------------
# A text is judged in blocks of whole lines of about `_BLOCK` characters, so every pass works on
# a piece that stays in the processor's cache and a 1 MB text costs 256 times a 4 KB one. No rule
# looks across a line break, so whole-line blocks judge exactly like the whole text; what is
# known only of the whole text (is it a question, is it all in capitals, how many lines and
# stamp lines it has) is gathered from every block first. A single line longer than `_BLOCK`
# (never a real message) is cut at a space into overlapping pieces, each read as a line of its
# own; the overlap is longer than any marking, so none is lost at a cut.
_BLOCK = 8192
_OVERLAP = 256


def _raw_blocks(text: str) -> list[tuple[str, bool]]:
    """(piece, continues a line cut before it) in order; pieces end at line breaks where they can."""
    if len(text) <= _BLOCK:
        return [(text, False)]
    blocks: list[tuple[str, bool]] = []
    start, cut_before = 0, False
    while start < len(text):
        end = start + _BLOCK
        if end >= len(text):
            blocks.append((text[start:], cut_before))
            break
        newline = text.rfind("\n", start, end)
        if newline >= start:
            blocks.append((text[start:newline + 1], cut_before))
            start, cut_before = newline + 1, False
            continue
        space = text.rfind(" ", start + _BLOCK // 2, end)
        cut = space if space > start else end
        blocks.append((text[start:cut], cut_before))
        resume = text.find(" ", cut - _OVERLAP, cut)
        start, cut_before = (resume if resume > start else cut - _OVERLAP), True
    return blocks


@dataclass(slots=True)
class _Facts:
    """What is known only of the whole text."""

    question: bool = False
    capitals: bool = True
    content_lines: int = 0
    lower_levels: set[str] | None = None  # levels of the lower/mixed-case stamp lines
    lower_stamps: int = 0

    def lower_stamps_count(self) -> bool:
        """Rule 1 for a stamp line not in capitals: other lines, one level, not a question."""
        return (self.content_lines > self.lower_stamps and len(self.lower_levels or ()) == 1
                and not self.question)


class _Block:
    """A normalised block with its stamp lines, and its line question tests done once each."""

    __slots__ = ("_line_questions", "_starts", "facts", "stamps", "text")

    def __init__(self, text: str, facts: _Facts) -> None:
        self.text = text
        self.facts = facts
        self.stamps: list[tuple[int, str, bool]] = []  # (position, level, in capitals)
        self._starts: list[int] | None = None
        self._line_questions: dict[int, bool] = {}

    def line_is_question(self, pos: int) -> bool:
        """Whether the line holding `pos` is a question."""
        if self._starts is None:
            self._starts = [0, *(m.end() for m in re.finditer("\n", self.text))]
        index = bisect.bisect_right(self._starts, pos) - 1
        known = self._line_questions.get(index)
        if known is None:
            start = self._starts[index]
            end = self._starts[index + 1] - 1 if index + 1 < len(self._starts) else len(self.text)
            known = self._line_questions[index] = _is_question(self.text[start:end])
        return known


_STAMP_DECORATION = " \t\"'“”*_-–—([{«<‹.•·"


def _gather(block: _Block, first: bool) -> None:
    """Add what the block tells of the whole text to its facts; find its stamp lines."""
    facts, text = block.facts, block.text
    facts.question = facts.question or _is_question(text, opening=first)
    facts.capitals = facts.capitals and text.upper() == text
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            facts.content_lines += 1
            if len(line) <= _STAMP_LINE_MAX and "?" not in line:
                letters = _NOT_LETTERS.sub("", line)
                if letters and _LEVEL_LETTERS.fullmatch(letters):
                    upper = letters.isupper()
                    level = _level(letters)
                    offset = len(line) - len(line.lstrip(_STAMP_DECORATION))
                    block.stamps.append((pos + offset, level, upper))
                    if not upper:
                        facts.lower_stamps += 1
                        facts.lower_levels = (facts.lower_levels or set()) | {level}
        pos += len(line) + 1



# --- the rules ---------------------------------------------------------------------------------
# Each returns (position in the block, Marking) for its first hit in the block, or None.

_Hit = tuple[int, Marking]


def _stamp_line(b: _Block) -> _Hit | None:
    """A stamp on a line (or in a column) of its own: a document header (rule 1 of the docstring)."""
    lower_count = b.facts.lower_stamps_count()
    for start, level, upper in b.stamps:
        if upper or lower_count:
            return start, Marking("stamp-line", level)
    m = _STAMP_COLUMN.search(b.text)
    if m:
        group = "end" if m["end"] else "start"
        return m.start(group), Marking("stamp-line", _level(m[group]))
    return None


def _stamp_spaced(b: _Block) -> _Hit | None:
    """A level spelled letter by letter with spaces or punctuation between the letters."""
    m = _SPACED.search(b.text)
    return (m.start(), Marking("stamp-spaced", _level(m[0]))) if m else None


def _stamp_bracketed(b: _Block) -> _Hit | None:
    """A stamp alone in brackets, anywhere: the way a marking is carried into prose."""
    for m in _BRACKETED.finditer(b.text):
        if m["stamp"].isupper() or not b.facts.question:
            return m.start(), Marking("stamp-bracketed", _level(m["stamp"]))
    return None


def _level_field(b: _Block) -> _Hit | None:
    """A level field "Độ mật: <level>" (or "Độ mật <level>" opening a line), unless its line is a question."""
    for m in _LEVEL_FIELD.finditer(b.text):
        if not b.line_is_question(m.start()):
            return m.start(), Marking("level-field", _level(m["stamp"] or m["bare"]))
    return None


def _stamp_leading(b: _Block) -> _Hit | None:
    """A line opening with an upper-case stamp and a separator or document word.

    The question test is on that line only: a pasted document often contains "nào", "ai"…
    somewhere, but its header line does not.
    """
    for m in _LEADING.finditer(b.text):
        if not b.line_is_question(m.start()):
            return m.start("stamp"), Marking("stamp-leading", _level(m["stamp"]))
    return None


def _stamp_inline(b: _Block) -> _Hit | None:
    """An upper-case stamp standing out from mixed-case prose that is not a question.

    Caps-lock messages ("TÀI LIỆU TỐI MẬT BẢO VỆ BAO LÂU") have nothing to stand out from.
    The question test is on the whole message: chat questions often span two sentences
    ("Em có tài liệu TỐI MẬT. Phải bảo quản thế nào?").
    """
    if b.facts.capitals or b.facts.question:
        return None
    text = b.text
    for m in _INLINE.finditer(text):
        start, end = m.span()
        if _WORD_BEFORE.search(text, max(0, start - _WORD_BEFORE_WINDOW), start):
            continue
        stamp = m[0]
        after = _WORD_AFTER.match(text, end)
        # "MẬT KHẨU" is a compound in capitals; "MẬT danh sách…" is a stamp before prose.
        if _level(stamp) == "mat" and after and after[0].strip().upper() == after[0].strip():
            continue
        return start, Marking("stamp-inline", _level(stamp))
    return None


# Priority breaks ties at the same position: the more specific rule names the marking.
_RULES = (_stamp_line, _stamp_spaced, _stamp_bracketed, _level_field, _stamp_leading, _stamp_inline)


def find_marking(text: str) -> Marking | None:
    """The first classification marking in `text`, or None for ordinary text (incl. questions about levels).

    "First" is by position in the normalised text; at the same position the more specific rule
    wins (line, spaced, bracketed, field, leading, inline).
    """
    if not text:
        return None
    facts = _Facts()
    blocks: list[_Block] = []
    any_level = False
    for number, (piece, _cut) in enumerate(_raw_blocks(_LINE_BREAKS.sub("\n", text))):
        block = _Block(normalise(piece), facts)
        _gather(block, first=number == 0)
        if _ANY_LEVEL.search(block.text):
            blocks.append(block)
            any_level = True
    if not any_level:
        return None
    for block in blocks:  # the first block with a hit holds the first marking
        best: tuple[int, int, Marking] | None = None
        for priority, rule in enumerate(_RULES):
            hit = rule(block)
            if hit is not None and (best is None or (hit[0], priority) < best[:2]):
                best = (hit[0], priority, hit[1])
        if best is not None:
            return best[2]
    return None
