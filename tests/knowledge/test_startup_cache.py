"""The KB's analysed texts kept between runs (`knowledge.startup_cache`): the same answers as a
freshly built assistant, reused only while the KB and the code are unchanged, never required."""

from __future__ import annotations

import json
import marshal
import shutil
from pathlib import Path

import pytest

from knowledge import startup_cache
from knowledge.answers import Assistant
from knowledge.index import IndexTables
from knowledge.loader import DEFAULT_ROOT, KnowledgeBase, load_knowledge
from knowledge.startup_cache import (
    Prepared,
    cache_file,
    cached_assistant,
    fingerprint,
    read_prepared,
    write_prepared,
)
from tests.conftest import TODAY

CONVERSATION = Path(__file__).resolve().parents[1] / "regression" / "conversation.jsonl"


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files `cached_assistant` stores, recorded (and still written)."""
    done: list[Path] = []

    def recording(path: Path, key: str, prepared: Prepared) -> bool:
        done.append(path)
        return write_prepared(path, key, prepared)

    monkeypatch.setattr(startup_cache, "write_prepared", recording)
    return done


def test_assistant_from_the_stored_table_answers_every_conversation_question_as_a_fresh_one(
        kb: KnowledgeBase, assistant: Assistant, cache_home: Path, writes: list[Path]):
    cached_assistant(kb, DEFAULT_ROOT)  # first run: builds in full and stores the table
    assert writes == [cache_file(DEFAULT_ROOT)]
    reused = cached_assistant(kb, DEFAULT_ROOT)
    assert writes == [cache_file(DEFAULT_ROOT)]  # the table was current: read, not rewritten
    cases = [json.loads(line) for line in CONVERSATION.read_text(encoding="utf-8").splitlines() if line]
    assert len(cases) >= 150
    for case in cases:
        unit = kb.registry.resolve(case["unit"]) if case.get("unit") else None
        for plan in (case.get("plan"), None):
            fresh = assistant.find_answers(case["question"], plan, TODAY, unit)
            # Text, citations, parts, suggestions, entries and coverage, all alike.
            assert reused.find_answers(case["question"], plan, TODAY, unit) == fresh, case["id"]


def test_questions_are_never_added_to_the_table(kb: KnowledgeBase, cache_home: Path):
    assistant = cached_assistant(kb, DEFAULT_ROOT)
    stored = read_prepared(cache_file(DEFAULT_ROOT), fingerprint(DEFAULT_ROOT), len(kb.entries))
    question = "Sở Tài chính cần làm gì với tài liệu mật số 12345 hôm nay?"
    assistant.find_answers(question, "lang-son", TODAY)
    assert question not in assistant.kb_syllables
    assert stored is not None and question not in stored.syllables
    assert len(assistant.kb_syllables) == len(stored.syllables)


def test_any_change_to_a_kb_file_changes_the_key(tmp_path: Path):
    root = tmp_path / "kb"
    shutil.copytree(DEFAULT_ROOT, root)
    before = fingerprint(root)
    assert fingerprint(root) == before
    faq = root / "faq.md"
    faq.write_text(faq.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert fingerprint(root) != before
    (root / "extra.md").write_text("x", encoding="utf-8")
    assert fingerprint(root) not in (before, fingerprint(DEFAULT_ROOT))


def test_any_change_to_the_code_changes_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    code = tmp_path / "knowledge"
    code.mkdir()
    (code / "text.py").write_text("A = 1\n", encoding="utf-8")
    monkeypatch.setattr(startup_cache, "_CODE", code)
    before = fingerprint(DEFAULT_ROOT)
    (code / "text.py").write_text("A = 2\n", encoding="utf-8")
    assert fingerprint(DEFAULT_ROOT) != before


def test_what_is_stored_for_another_kb_or_code_is_ignored_and_replaced(
        kb: KnowledgeBase, assistant: Assistant, cache_home: Path, writes: list[Path]):
    path = cache_file(DEFAULT_ROOT)
    title = kb.entries[0].title
    # A stale key with a wrong analysis of a title and no terms: used, they would change answers.
    lengths = (1.0,) * len(kb.entries)
    assert write_prepared(path, "stale", Prepared({title: ("sai",)}, IndexTables({}, lengths)))
    rebuilt = cached_assistant(kb, DEFAULT_ROOT)
    assert writes == [path]
    assert rebuilt.kb_syllables[title] != ("sai",)
    stored = read_prepared(path, fingerprint(DEFAULT_ROOT), len(kb.entries))
    assert stored == Prepared(rebuilt.kb_syllables, rebuilt.index.tables)
    assert rebuilt.find_answers(title, None, TODAY) == assistant.find_answers(title, None, TODAY)


# A valid file for a KB of one entry, and ways of spoiling it.
VALID = ("KEY", {"văn bản": ("van", "ban")}, {"van": ((0,), (1.0,))}, (3.0,))


def test_a_well_formed_file_under_its_key_is_read(tmp_path: Path):
    path = tmp_path / "prepared.marshal"
    path.write_bytes(marshal.dumps(VALID))
    assert read_prepared(path, "KEY", 1) == Prepared(VALID[1], IndexTables(VALID[2], VALID[3]))
    assert read_prepared(path, "OTHER KEY", 1) is None
    assert read_prepared(path, "KEY", 2) is None  # written for a KB of another size


@pytest.mark.parametrize("content", [
    b"",
    b"not marshal at all",
    marshal.dumps(VALID)[:-3],
    marshal.dumps(list(VALID)),
    marshal.dumps(VALID[:3]),
    marshal.dumps(("KEY", {"văn bản": ["van", "ban"]}, *VALID[2:])),  # a list, not a tuple
    marshal.dumps(("KEY", {"văn bản": ("van", 3)}, *VALID[2:])),
    marshal.dumps(("KEY", {1: ("van",)}, *VALID[2:])),
    marshal.dumps((*VALID[:2], {"van": ((1,), (1.0,))}, VALID[3])),  # no entry 1
    marshal.dumps((*VALID[:2], {"van": ((-1,), (1.0,))}, VALID[3])),
    marshal.dumps((*VALID[:2], {"van": ((0,), ())}, VALID[3])),
    marshal.dumps((*VALID[:2], {"van": ((0,), ("1",))}, VALID[3])),
    marshal.dumps((*VALID[:2], {"van": ((0,),)}, VALID[3])),
    marshal.dumps((*VALID[:2], {"van": (0, 1.0)}, VALID[3])),
    marshal.dumps((*VALID[:2], {"van": ([0], [1.0])}, VALID[3])),
    marshal.dumps((*VALID[:3], ("3",))),
])
def test_an_unreadable_or_malformed_file_reads_as_nothing(tmp_path: Path, content: bytes):
    path = tmp_path / "prepared.marshal"
    path.write_bytes(content)
    assert read_prepared(path, "KEY", 1) is None


def test_a_missing_file_reads_as_nothing(tmp_path: Path):
    assert read_prepared(tmp_path / "none.marshal", "KEY", 1) is None


def test_a_malformed_file_is_rebuilt(kb: KnowledgeBase, cache_home: Path):
    path = cache_file(DEFAULT_ROOT)
    path.parent.mkdir(parents=True)
    path.write_bytes(marshal.dumps((fingerprint(DEFAULT_ROOT), {"x": ["x"]}, {}, ())))
    assistant = cached_assistant(kb, DEFAULT_ROOT)
    stored = read_prepared(path, fingerprint(DEFAULT_ROOT), len(kb.entries))
    assert stored == Prepared(assistant.kb_syllables, assistant.index.tables)


def test_the_assistant_is_built_when_the_cache_directory_cannot_be_written(
        kb: KnowledgeBase, assistant: Assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a file: no directory can be made in it
    built = cached_assistant(kb, DEFAULT_ROOT)
    assert not write_prepared(cache_file(DEFAULT_ROOT), "KEY", Prepared({}, IndexTables({}, ())))
    asked = ("hạn gửi báo cáo năm", "lang-son", TODAY)
    assert built.find_answers(*asked) == assistant.find_answers(*asked)


def test_the_file_is_replaced_whole_and_no_temporary_file_is_left(tmp_path: Path):
    path = tmp_path / "cache" / "prepared.marshal"
    assert write_prepared(path, "one", Prepared({"a": ("a",)}, IndexTables({}, (1.0,))))
    assert write_prepared(path, "two", Prepared({"b": ("b",)}, IndexTables({}, (2.0,))))
    assert read_prepared(path, "one", 1) is None
    assert read_prepared(path, "two", 1) == Prepared({"b": ("b",)}, IndexTables({}, (2.0,)))
    assert [p.name for p in path.parent.iterdir()] == ["prepared.marshal"]


def test_each_kb_directory_has_its_own_file_in_the_users_cache(cache_home: Path, tmp_path: Path):
    assert cache_file(DEFAULT_ROOT).parent == cache_home / "bmnn-bot"
    assert cache_file(DEFAULT_ROOT) != cache_file(tmp_path)


def test_without_xdg_cache_home_the_cache_is_under_the_home_directory(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_file(DEFAULT_ROOT).parent == tmp_path / ".cache" / "bmnn-bot"


def test_what_lacks_texts_the_build_met_is_stored_again_complete(
        kb: KnowledgeBase, cache_home: Path, writes: list[Path]):
    complete = cached_assistant(kb, DEFAULT_ROOT)
    path = cache_file(DEFAULT_ROOT)
    title = kb.entries[0].title
    partial = {text: sylls for text, sylls in complete.kb_syllables.items() if text != title}
    assert write_prepared(path, fingerprint(DEFAULT_ROOT), Prepared(partial, complete.index.tables))
    writes.clear()
    again = cached_assistant(kb, DEFAULT_ROOT)
    assert writes == [path]
    stored = read_prepared(path, fingerprint(DEFAULT_ROOT), len(kb.entries))
    assert stored is not None and stored.syllables == complete.kb_syllables == again.kb_syllables


def test_a_kb_loaded_from_a_copy_gets_a_file_of_its_own(tmp_path: Path, cache_home: Path):
    root = tmp_path / "kb"
    shutil.copytree(DEFAULT_ROOT, root)
    cached_assistant(load_knowledge(root), root)
    assert cache_file(root).is_file() and not cache_file(DEFAULT_ROOT).exists()
