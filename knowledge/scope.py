"""Whether a question is about protecting state secrets at all.

Word overlap alone lets "thủ tục đăng ký thường trú … làm ở đâu" match the FAQ on copying
("thủ tục", "làm") and "luật đất đai 2024 quy định thu hồi đất" match a resolution on
"thu hồi". So a question that touches another domain of public administration (land, salaries,
residence, passports, tax, traffic, health, software, leave, counts of administrative units,
other laws) is out of scope unless it also names a core notion of this one (a secret, a secret
document, a secrecy level, the steering committee, a plan, the law on state secrets). The lists
are folded phrases, matched as whole words on a question's key form; review them like the KB.
"""

from __future__ import annotations

import re

__all__ = ["foreign_topic", "is_core"]

# Notions that make a question this assistant's business whatever else it mentions.
_CORE = (
    "bi mat", "bao mat", "do mat", "toi mat", "tuyet mat", "giai mat", "tai lieu mat", "vat mat",
    "van ban mat", "cong van mat", "thong tin mat", "ho so mat", "vat chua", "ban chi dao",
    "chi thi 32", "ke hoach", "luat 117", "luat 29", "nghi dinh 26", "thong tu 24", "286",
    "lo mat", "mat tai lieu", "lo tai lieu", "dong dau mat", "dau mat", "danh muc",
    "dieu 337", "dieu 338", "nghi dinh 63",
)
_CORE_RE = re.compile(r"\b(?:" + "|".join(map(re.escape, _CORE)) + r")\b")

# Other domains, by the words that name them. "mật khẩu" (password) is not "mật".
_FOREIGN = {
    "land": ("dat dai", "thu hoi dat", "so hong", "quyen su dung dat", "chuyen nhuong dat",
             "giai phong mat bang", "boi thuong dat"),
    "salary": ("luong co so", "muc luong", "bac luong", "nang luong", "he so luong", "phu cap",
               "tien luong", "luong toi thieu", "tro cap"),
    "residence": ("thuong tru", "tam tru", "ho khau", "cu tru", "can cuoc", "cccd", "khai sinh",
                  "ket hon", "khai tu", "ly hon", "chung thuc"),
    "passport": ("ho chieu", "xuat canh", "nhap canh", "visa", "thi thuc"),
    "tax": ("thue", "gia tri gia tang", "hoa don", "quyet toan thue", "hai quan"),
    "traffic": ("giao thong", "phat nguoi", "bien so", "xe may", "o to", "bang lai",
                "giay phep lai xe", "dang kiem", "dang ky xe",
                "nong do con", "mu bao hiem", "toc do", "den do", "vuot den", "lan duong"),
    "health": ("tiem chung", "vac xin", "vaccine", "bao hiem y te", "bao hiem xa hoi", "kham benh",
               "benh vien nao"),
    "software": ("mat khau", "wifi", "cai dat", "cai zalo", "cai phan mem", "cai ung dung",
                 "tai ung dung", "cap nhat phan mem", "cai win", "cai windows", "dang nhap",
                 "quen mat khau", "diet virus", "cai may in", "cach cai", "vneid",
                 "dinh danh dien tu", "khuon mat", "cai vneid", "tai khoan dinh danh"),
    "leave": ("nghi phep", "don xin", "mau don", "nghi viec", "nghi huu", "nghi om", "thai san",
              "nghi le"),
    "civil_service": ("xep loai cong chuc", "danh gia cong chuc", "thi tuyen cong chuc",
                      "tuyen dung cong chuc", "xep loai vien chuc", "nang ngach", "chuyen ngach"),
    "other": ("thoi tiet", "gia vang", "ty gia", "xo so", "bong da", "chung khoan", "lai suat"),
}
_FOREIGN_RE = {topic: re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b")
               for topic, words in _FOREIGN.items()}
# Another law by name: "luật đất đai", "Luật Cán bộ, công chức", "bộ luật lao động".
_OTHER_LAW = re.compile(
    r"\b(?:bo )?luat (?:dat dai|can bo|cong chuc|vien chuc|lao dong|thue|giao thong|cu tru|"
    r"hon nhan|dan su|hinh su|dau tu|doanh nghiep|xay dung|bao hiem|giao duc|nha o|"
    r"dau thau|thanh nien|bau cu|ngan hang|kinh doanh|thuong mai|hai quan|quoc tich|"
    r"phong chong|tre em|bao chi|an ninh mang|giao dich dien tu|to chuc chinh quyen)\b"
)
# "có bao nhiêu xã, phường, đặc khu", "mấy tỉnh": counts of administrative units.
_UNIT_COUNT = re.compile(
    r"\b(?:bao nhieu|may|so luong) (?:xa|phuong|dac khu|tinh|huyen|quan|thanh pho|don vi hanh chinh)\b"
)


# Other kinds of secret or of plan, named outright: foreign even beside "bí mật" or "kế hoạch".
_OTHER_SECRET_OR_PLAN = re.compile(
    r"\b(?:bi mat (?:kinh doanh|doanh nghiep|ca nhan|doi tu|gia dinh|thu tin|cong nghe cua|nghe nghiep)|"
    r"ke hoach (?:bao ve moi truong|phong chong thien tai|tiem chung|dau tu cong|su dung dat|"
    r"phat trien kinh te|tuyen dung|thu ngan sach)|bao ve moi truong|bao ve quyen loi nguoi tieu dung)\b"
)


def is_core(key: str) -> bool:
    """Whether the question names a core notion of state-secret protection."""
    return _CORE_RE.search(key) is not None


def foreign_topic(key: str) -> str | None:
    """The other domain a question (in key form) is about, unless it is also about secrets."""
    if _OTHER_SECRET_OR_PLAN.search(key) and "nha nuoc" not in key:
        return "other_secret_or_plan"
    if is_core(key):
        return None
    if _OTHER_LAW.search(key):
        return "other_law"
    if _UNIT_COUNT.search(key):
        return "unit_count"
    for topic, pattern in _FOREIGN_RE.items():
        if pattern.search(key):
            return topic
    return None
