"""Facts of the law and of the FAQ that were once wrong, pinned to what the published texts say.

Each test names the correction; the entry ids are the KB's. When one fails, check the published text
again before changing the test.
"""

from __future__ import annotations

import datetime as dt

from knowledge.model import FaqEntry, Provision
from knowledge.render import to_plain
from knowledge.status import Standing, describe, status_on
from knowledge.text import fold

BEFORE = dt.date(2026, 2, 10)
AFTER = dt.date(2026, 12, 2)


def _body(kb, entry_id: str) -> str:
    return fold(kb.by_id[entry_id].body)


def test_a_foreign_request_is_sent_to_the_vietnamese_agency_leading_the_cooperation_not_to_the_decider(kb):
    body = _body(kb, "l117-d16-k3")
    assert fold("cơ quan, tổ chức Việt Nam chủ trì chương trình hợp tác quốc tế") in body
    assert fold("người có thẩm quyền quyết định") not in body
    faq = _body(kb, "faq-cung-cap-cho-nuoc-ngoai")
    assert fold("cơ quan, tổ chức Việt Nam chủ trì") in faq


def test_only_foreign_parties_taking_part_in_the_programme_may_receive_secrets_without_an_added_directly(kb):
    body = _body(kb, "l117-d16-k2")
    assert fold("tham gia") in body and fold("trực tiếp") not in body


def test_deputies_of_the_heads_listed_in_article_11_may_also_decide_on_toi_mat_and_mat(kb):
    assert fold("cấp phó của người đứng đầu") in _body(kb, "l117-d16-k1")


def test_secrets_are_declassified_as_of_right_when_their_period_ends(kb):
    entry = kb.by_id["l117-d22-k1"]
    assert isinstance(entry, Provision) and (entry.article, entry.clause, entry.point) == (22, 1, "a")
    assert fold("đương nhiên được giải mật") in fold(entry.body)
    assert fold("tự động") not in fold(entry.body)


def test_the_2018_ban_on_posting_secrets_is_cited_at_article_level_everywhere(kb):
    entry = kb.by_id["l29-d5-dang-tai"]
    assert isinstance(entry, Provision) and entry.verified == "article" and entry.clause is None
    for faq in (e for e in kb.entries if isinstance(e, FaqEntry)):
        for cite in faq.cites:
            if cite.doc_id == "luat-29-2018" and "Điều 5 khoản 9" in cite.ref:
                raise AssertionError(f"{faq.id} cites the unverified khoản 9 of Điều 5")


def test_the_2018_ban_on_recording_devices_says_what_was_read_and_what_was_not(kb):
    body = _body(kb, "l29-d5-k8")
    assert fold("ghi âm, ghi hình") in body and fold("chưa đọc được") in body


def test_every_provision_says_how_far_it_was_verified_and_article_level_ones_cite_no_clause(kb):
    for entry in kb.entries:
        if isinstance(entry, Provision):
            assert entry.verified in ("clause", "article"), entry.id
            if entry.verified == "article":
                assert entry.clause is None and entry.point is None, entry.id


def test_hai_phong_gives_so_noi_vu_the_lead_on_the_handover_review(kb):
    body = _body(kb, "faq-nghi-huu-chuyen-cong-tac")
    assert fold("Hải Phòng (mục III.4) giao Sở Nội vụ chủ trì") in body.replace("*", "")


def test_checking_recording_equipment_before_installation_is_credited_to_lao_cai_not_hai_phong(kb):
    body = to_plain(kb.by_id["faq-kiem-tra-an-ninh-thiet-bi"].body)
    hai_phong = body[body.index("Kế hoạch Hải Phòng"):body.index("Kế hoạch Lào Cai")]
    lao_cai = body[body.index("Kế hoạch Lào Cai"):]
    assert "ghi âm" not in hai_phong and "trước khi lắp đặt" not in hai_phong
    assert "ghi âm" in lao_cai and "trước khi lắp đặt" in lao_cai


def test_decree_63_2026_known_from_the_press_is_never_shown_as_in_force(kb):
    doc = kb.documents["nd-63-2026"]
    assert doc.guides == ("luat-117-2025",) and doc.effective is None
    for day in (BEFORE, AFTER):
        status = status_on(doc, day, kb.documents)
        assert status.standing is Standing.UNCONFIRMED
        assert describe(status).startswith("Lưu ý:")


def test_after_march_2026_decree_26_2020_carries_a_caveat_naming_decree_63_2026(kb):
    status = status_on(kb.documents["nd-26-2020"], AFTER, kb.documents)
    assert status.standing is Standing.GUIDES_ENDED
    text = describe(status)
    assert "Nghị định 63/2026/NĐ-CP" in text and "chưa xác nhận" in text
    assert status_on(kb.documents["nd-26-2020"], BEFORE, kb.documents).in_force


def test_an_answer_on_envelope_stamps_after_march_2026_is_never_plainly_in_force(assistant):
    text = to_plain(assistant.find_answers("phong bì tài liệu mật đóng dấu chữ A B C thế nào", None,
                                           AFTER).markdown)
    assert "Quy định này theo Nghị định 26/2020/NĐ-CP (có hiệu lực" not in text
    assert "chưa xác nhận được Nghị định 26/2020/NĐ-CP" in text


def _first(answer) -> tuple[str, list[str]]:
    part = answer.parts[0]
    return to_plain(part.markdown), [f"{s.doc} {s.ref}" for s in part.sources]


def test_disclosing_a_secret_on_purpose_is_answered_with_the_criminal_codes_prison_terms(assistant):
    answer = assistant.find_answers("cố ý làm lộ bí mật nhà nước bị phạt tù mấy năm", None, AFTER)
    text, sources = _first(answer)
    assert answer.answered and "02 năm đến 07 năm" in text
    assert "Bộ luật Hình sự 2015 khoản 1 Điều 337" in sources


def test_losing_a_secret_document_is_answered_with_article_338(assistant):
    answer = assistant.find_answers("làm mất tài liệu mật thì bị tội gì", "lang-son", AFTER)
    text, sources = _first(answer)
    assert answer.answered and "06 tháng" in text and "03 năm" in text
    assert any("Điều 338" in s for s in sources)
    assert "Lạng Sơn" not in to_plain(answer.markdown).split("Để được hướng dẫn")[0]


def test_a_penalty_question_about_an_act_with_no_entry_of_its_own_gets_the_sanctions_overview(assistant):
    answer = assistant.find_answers("cán bộ bị kỷ luật thế nào nếu làm lộ bí mật", None, AFTER)
    text, _ = _first(answer)
    assert answer.answered and "Điều 337" in text and "Điều 338" in text and "Điều 19" in text
    assert "chưa có trong cơ sở tri thức" not in to_plain(answer.markdown)


def test_administrative_fines_are_cited_with_a_caveat_on_the_decrees_standing(assistant):
    answer = assistant.find_answers("sao chụp tài liệu mật sai quy định bị xử phạt hành chính bao nhiêu",
                                    None, AFTER)
    text = to_plain(answer.markdown)
    assert "1.000.000 đồng đến 3.000.000 đồng" in text
    assert "chưa xác nhận được tình trạng hiệu lực hiện nay của Nghị định 144/2021/NĐ-CP" in text


def test_an_article_of_the_criminal_code_on_secrets_is_in_scope_and_other_crimes_are_not(assistant):
    assert assistant.find_answers("Điều 338 bộ luật hình sự", None, AFTER).answered
    assert not assistant.find_answers("bộ luật hình sự quy định tội trộm cắp thế nào", None, AFTER).answered


def test_the_criminal_code_entries_say_how_far_they_were_verified_and_note_the_2025_amendment(kb):
    doc = kb.documents["blhs-2015"]
    assert doc.number == "100/2015/QH13" and doc.effective == dt.date(2018, 1, 1)
    assert "2025" in (doc.note or "") and "chưa xác nhận" in (doc.note or "")
    articles = {(e.article, e.clause) for e in kb.entries
                if isinstance(e, Provision) and e.doc_id == "blhs-2015"}
    assert articles == {(337, 1), (337, 2), (337, 3), (337, 4), (338, 1), (338, 2), (338, 3)}
