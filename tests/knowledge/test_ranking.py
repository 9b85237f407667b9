"""Ranking: BM25 boosted by what the question names."""

from knowledge.ranking import BOOSTS
from tests.conftest import TODAY


def test_a_question_naming_the_2018_law_ranks_that_law_first(assistant):
    def top_document(question):
        ranked = assistant.ranker.rank(assistant.index.analyse(question), None, TODAY, [])
        return ranked[0].entry.doc_id

    assert top_document("Luật 2018 quy định bí mật nhà nước là gì") == "luat-29-2018"
    assert top_document("bí mật nhà nước là gì") == "luat-117-2025"


def test_no_boost_moves_a_shared_entry_the_question_gives_no_cue_for(assistant, kb):
    cues = assistant.ranker.cues("bi mat nha nuoc la gi", None, TODAY, [], frozenset())
    entry = kb.by_id["faq-bi-mat-nha-nuoc-la-gi"]
    doc = kb.documents[entry.doc_id]
    assert [boost(cues, entry, doc) for boost in BOOSTS] == [1.0] * len(BOOSTS)


def test_an_entry_for_the_unit_asked_about_outranks_one_for_its_group(assistant, kb):
    cues = assistant.ranker.cues("nhiem vu", "lang-son", TODAY, ["so-tai-chinh"], frozenset())
    own = next(e for e in kb.entries if e.plan == "lang-son" and "so-tai-chinh" in e.units)
    group = next(e for e in kb.entries if e.plan == "lang-son" and "nhom-so-ban-nganh" in e.units
                 and "so-tai-chinh" not in e.units)

    def factor(entry):
        out = 1.0
        for boost in BOOSTS:
            out *= boost(cues, entry, kb.documents[entry.doc_id])
        return out

    assert factor(own) > factor(group)
