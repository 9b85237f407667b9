"""Vietnamese text handling: folding, Unicode forms, abbreviations, syllables and bigrams."""

import unicodedata

from knowledge.text import Abbreviations, fold, nfc, syllables, terms


def test_fold_removes_diacritics_and_case():
    assert fold("Bí mật NHÀ NƯỚC") == "bi mat nha nuoc"


def test_fold_maps_d_with_stroke_to_d():
    assert fold("Đồng Nai, đơn vị") == "dong nai, don vi"


def test_fold_treats_nfc_and_nfd_input_alike():
    text = "Tuyệt mật, tối mật, Sở Tài chính"
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))


def test_nfc_composes_decomposed_input():
    decomposed = unicodedata.normalize("NFD", "Lạng Sơn")
    assert nfc(decomposed) == "Lạng Sơn"
    assert len(nfc(decomposed)) < len(decomposed)


def test_fold_collapses_whitespace():
    assert fold("  bảo   vệ\n bí mật ") == "bao ve bi mat"


ABBR = Abbreviations.from_pairs([
    ("BMNN", "bí mật nhà nước", False),
    ("KH&CN", "khoa học và công nghệ", False),
    ("CA", "công an", True),
    ("AI", "trí tuệ nhân tạo", True),
])


def test_abbreviation_expanded_whatever_the_case():
    assert ABBR.expand("bảo vệ BMNN") == "bao ve bi mat nha nuoc"
    assert ABBR.expand("bao ve bmnn") == "bao ve bi mat nha nuoc"


def test_abbreviation_with_ampersand_and_spaces():
    assert ABBR.expand("Sở KH&CN") == "so khoa hoc va cong nghe"
    assert ABBR.expand("so kh & cn") == "so khoa hoc va cong nghe"


def test_exact_case_abbreviation_only_in_capitals():
    assert ABBR.expand("CA tỉnh") == "cong an tinh"
    assert ABBR.expand("cá tính") == "ca tinh"
    assert ABBR.expand("Ai ký kế hoạch?") == "ai ky ke hoach?"
    assert ABBR.expand("dùng AI") == "dung tri tue nhan tao"


def test_syllables_drop_punctuation_and_leading_zeros():
    assert syllables(fold("trước ngày 05/01/2026!")) == ["truoc", "ngay", "5", "1", "2026"]


def test_terms_are_content_syllables_and_all_bigrams():
    out = terms(["bi", "mat", "la", "gi"])
    assert "bi" in out and "mat" in out
    assert "la" not in out  # stopword as a single syllable
    assert {"bi_mat", "mat_la", "la_gi"} <= set(out)


def test_full_width_letters_fold_like_their_plain_forms():
    assert fold("Ｂí ＭẬＴ nhà nước") == fold("bí mật nhà nước") == "bi mat nha nuoc"
