"""What a chat question asks, once the chatter around it is set aside.

Contacts write the way they talk: "em chào anh chị, em là cán bộ văn phòng UBND xã Tân Tiến,
cho em hỏi … ạ", "sở mình", "bên em", "bọn mình". This module works on a question's key form
(folded, abbreviations expanded, syllables joined by spaces) and finds: the part that asks
(after "cho em hỏi", without greetings, self-introductions and closing courtesies), whether the
asker speaks of their own unit, and which cues it carries (duties, deadlines, contacts, a
yes/no check of a stated fact, penalties). It knows nothing of the knowledge base's entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "CONFIRM_WORDS",
    "CONTACT_CUE",
    "DEADLINE_CUE",
    "DUTIES_CUE",
    "OWN_UNIT",
    "OWN_UNIT_WORDS",
    "PENALTY_CUE",
    "SELF_INTRO",
    "Focus",
    "beyond_listing",
    "focus",
]

_PRONOUN = r"(?:toi|minh|em|chung toi|chung minh|chung em|bon minh|bon em|tui minh|tui em|tao|ta)"
_UNIT_WORD = (
    r"(?:don vi|co quan|so|xa|phuong|dac khu|ben|phong|ban|nganh|uy ban nhan dan xa|"
    r"uy ban nhan dan phuong|uy ban nhan dan|cong an|ca)"
)
# "đơn vị tôi", "sở mình", "bên em", "xã chúng tôi", and "chúng tôi"/"bọn mình" on their own.
OWN_UNIT = re.compile(
    rf"\b{_UNIT_WORD} (?:cua )?{_PRONOUN}\b|\b(?:chung toi|chung minh|chung em|bon minh|bon em|"
    rf"tui minh|tui em|ben minh|ben em|ben toi)\b"
)
# Syllables that only say "us / my unit": context, not content.
OWN_UNIT_WORDS = frozenset("toi minh em chung bon tui tao ben".split())

DEADLINE_CUE = re.compile(
    r"\b(truoc ngay nao|han chot|han nop|han cuoi|han gui|han bao cao|ngay nao|khi nao|bao gio|"
    r"luc nao|deadline|thoi han nop|thoi han gui|thoi han bao cao|thoi han hoan thanh|"
    r"thoi gian hoan thanh|han hoan thanh|nop truoc|gui truoc|truoc ngay|con bao nhieu ngay|"
    r"han nao|han la|han bao gio|thoi han|moc)\b"
)
CONTACT_CUE = re.compile(
    r"\b(lien he|lien lac|so dien thoai|dien thoai|sdt|hotline|goi cho ai|hoi ai|can bo dau moi|"
    r"dau moi|bao cao ai|bao ai|phan anh|gui ve dau|bao cao cho ai|gui cho ai|nop cho ai|"
    r"gui ai|bao ve dau|phan anh ve dau|so may|so dt|goi ai|goi so nao|qua co quan nao|"
    r"ve co quan nao|gui qua)\b"
)
DUTIES_CUE = re.compile(
    r"\b(nhiem vu|trach nhiem|lam gi|phai lam|duoc giao|phan cong|viec gi|cong viec|giao gi|"
    r"nhung gi)\b"
)
# "… bị phạt bao nhiêu", "mức phạt", "bị tội gì", "xử lý thế nào": what the law sets as a sanction.
PENALTY_CUE = re.compile(
    r"\b(bi phat|muc phat|phat bao nhieu|phat tien|xu phat|bi toi gi|toi gi|truy cuu|ky luat|"
    r"bi xu ly|che tai|hinh phat|di tu|bi tu)\b"
)
# A yes/no check of what the question states: "… đúng không", "… phải không", "có đúng là …".
CONFIRM_CUE = re.compile(
    r"\b(dung khong|phai khong|dung ko|phai ko|dung k|phai k|co dung|co phai la|dung chua|"
    r"co dung khong|that khong|dung vay khong)\b"
)

# What opens the asked part of a long message: "cho em hỏi", "xin hỏi", "em muốn hỏi".
_ASK_MARKER = re.compile(
    rf"\b(?:cho {_PRONOUN} hoi|cho (?:hoi|minh hoi|em hoi|toi hoi|chi hoi|anh hoi)|xin hoi|"
    rf"{_PRONOUN} (?:muon|can|xin) hoi|hoi (?:chut|xiu|ti|mot chut)|nho (?:anh chi|ban|bot|ad) "
    rf"(?:giai dap|huong dan|tu van))\b(?: (?:la|ve|mot chut|chut|xiu|ti|voi|a|nhe|nha|nhu sau))*"
)
_GREETING = re.compile(
    r"^(?:(?:xin |kinh |em |minh |toi |da |alo )?chao (?:anh chi|anh|chi|ban|bot|ad|admin|"
    r"moi nguoi|ca nha|tro ly|cac anh chi|anh chi em|em|a)?(?: (?:a|nhe|nha|em|a))*\s*)+"
    r"|^(?:da|alo|hello|hi|a|oi|ad oi|bot oi|anh oi|chi oi)\b\s*"
)
# "em là cán bộ văn phòng UBND xã …", "tôi là chuyên viên của sở …": who is asking.
SELF_INTRO = re.compile(
    rf"^{_PRONOUN} (?:la|dang la|dang lam|lam) (?:can bo|chuyen vien|cong chuc|vien chuc|nhan vien|"
    r"van thu|thu ky|ke toan|lanh dao|pho|truong|cong tac|nguoi)\b"
)
_CLOSING = re.compile(
    r"(?: (?:a|nhe|nha|nhe a|voi|voi a|giup em|giup minh|giup toi|giup|cam on|xin cam on|"
    r"em cam on|thanks|thank you|nhieu|anh chi|anh|chi|ad|bot|ha|hen))+$"
)


@dataclass(frozen=True, slots=True)
class Focus:
    """A question's key with the chatter set aside, and what it says about the asker."""

    key: str  # the asked part, in key form
    preamble: str  # greetings and self-introduction, in key form ("" when none)
    own_unit: bool  # speaks of the asker's own unit ("đơn vị tôi", "bên mình")
    confirm: bool  # asks to confirm a stated fact ("… đúng không")


def focus(key: str) -> Focus:
    """Set aside greetings, a self-introduction and closing courtesies; keep the asked part.

    Everything before the last "cho em hỏi" is preamble (it may name the asker's unit). Without
    such a marker, a leading greeting and a leading "em là cán bộ …" clause up to the question's
    cue words are preamble.
    """
    preamble = ""
    asked = key
    markers = list(_ASK_MARKER.finditer(asked))
    if markers and markers[-1].end() < len(asked) - 1:
        preamble, asked = asked[: markers[-1].start()].strip(), asked[markers[-1].end():].strip()
    else:
        greeting = _GREETING.match(asked)
        if greeting and greeting.end() < len(asked):
            preamble, asked = asked[: greeting.end()].strip(), asked[greeting.end():].strip()
    closing = _CLOSING.search(asked)
    if closing and closing.start() > 0:
        asked = asked[: closing.start()].strip()
    own = bool(OWN_UNIT.search(asked)) or bool(SELF_INTRO.match(asked))
    return Focus(asked or key, preamble, own, bool(CONFIRM_CUE.search(asked)))

# Phrases that may surround a request for a whole listing ("đơn vị tôi có nhiệm vụ gì theo kế
# hoạch?", "hạn chót của đơn vị tôi là khi nào", "xã tôi cần lưu ý những mốc hạn nào"): with
# nothing else asked, the answer is the list. Phrases, not syllables: "danh mục" is a topic even
# though "danh sách" is filler.
_LISTING_FILLER = (
    "nhiem vu", "trach nhiem", "duoc giao", "phan cong", "cong viec", "viec gi", "viec", "lam gi",
    "phai lam", "can lam", "han chot", "han cuoi", "moc han", "cac han", "han nao", "han", "moc",
    "thoi han", "thoi gian", "khi nao", "ngay nao", "bao gio", "luc nao", "nop", "gui", "hoan thanh",
    "thuc hien", "trien khai", "theo", "ke hoach", "bao ve bi mat nha nuoc", "bao ve", "bi mat nha nuoc",
    "cong tac", "cu the", "tat ca", "toan bo", "nam nay", "nam", "hien nay", "hien", "don vi", "co quan",
    "so", "xa", "phuong", "dac khu", "ben", "chung toi", "toi", "minh", "em", "cua", "trong", "gi",
    "nhung", "nao", "la", "co", "khong", "ko", "k", "chua", "can", "phai", "vay", "the nao", "ra sao",
    "sao", "yeu cau", "muc tieu", "dat", "gom", "lien quan", "chi tiet", "danh sach", "liet ke",
    "ke ra", "luu y", "can luu y", "cac", "nhiem", "gi khong", "rieng", "mot", "nhieu", "bao nhieu",
    "ve", "cho", "voi", "duoc", "len", "tinh", "thanh pho", "quy", "thang", "truoc", "sau",
)
_FILLER_RE = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, _LISTING_FILLER), key=len,
                                                      reverse=True)) + r")\b")


def beyond_listing(key: str) -> list[str]:
    """The syllables of a question (key form) that ask for more than a whole listing."""
    return [s for s in _FILLER_RE.sub(" ", key).split() if not s.isdigit()]


# The words of a yes/no check: they ask for confirmation, not about a topic.
CONFIRM_WORDS = frozenset("dung phai khong ko chua that vay".split())
