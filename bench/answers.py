"""Answering benchmark: index time, latency p50/p99, accuracy against two baselines, 100× KBs.

The baselines answer the same questions over the same KB entries, rendered the same way:
`rapidfuzz.process.extractOne` (fuzzy string similarity, the usual quick FAQ bot) and `bm25s`
(a fast BM25 library, fed the same diacritic-folded, abbreviation-expanded syllables). All three
run on the real KB, on a 100× KB of copies and on a 100× KB of varied entries (`bench.scaled_kb`),
in the same run. Each row's p99 is over at least 1,000 timed answers, except rapidfuzz on the
100× KBs (0.6 s a question: one pass by default, `--slow-samples` for more), which the table
says. Accuracy
is scored with the development set's own scorer (`../shared/eval/score.py`'s `passes`), so the
numbers are comparable with `score.py`'s. Timings are wall-clock on a shared machine: compare
the ratios printed in the same run, not absolute numbers across runs.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz, process

from bench.scaled_kb import copied_kb, varied_kb
from knowledge.answers import Assistant
from knowledge.loader import DEFAULT_ROOT, KnowledgeBase, load_knowledge
from knowledge.render import to_plain
from knowledge.text import terms

SAMPLES = 1000  # timed answers per row: p99 is then the 10th slowest
FACTOR = 100  # the scaled KBs' size, in real KBs
DEV_SET = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "dev.jsonl"
TODAY = dt.date(2026, 11, 23)


def _load_scorer(path: Path) -> Callable[[dict, dict], tuple[bool, str]]:
    spec = importlib.util.spec_from_file_location("dev_score", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.passes


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _measure(answer: Callable[[dict], dict], cases: list[dict], samples: int,
             passes: Callable[[dict, dict], tuple[bool, str]]) -> dict:
    """`samples` timed answers, going round the questions; accuracy from the first pass when the
    samples cover every question once."""
    answer(cases[0])  # warm-up (caches, lazy imports)
    latencies, outputs = [], []
    for k in range(samples):
        case = cases[k % len(cases)]
        start = time.perf_counter()
        out = answer(case)
        latencies.append((time.perf_counter() - start) * 1000)
        if k < len(cases):
            outputs.append(out)
    row = {"samples": samples, "p50_ms": statistics.median(latencies), "p99_ms": _percentile(latencies, 0.99)}
    if len(outputs) == len(cases):
        row.update(_accuracy(cases, outputs, passes))
    return row


def _accuracy(cases: list[dict], outputs: list[dict], passes) -> dict:
    ok_in = n_in = ok_oos = n_oos = 0
    for case, output in zip(cases, outputs, strict=True):
        good = passes(case, output)[0]
        if case["kind"] == "oos":
            n_oos += 1
            ok_oos += good
        elif case["kind"] != "trap":
            n_in += 1
            ok_in += good
    return {"answered_correct": ok_in / max(n_in, 1), "oos_declined": ok_oos / max(n_oos, 1),
            "passed": ok_in + ok_oos, "cases": len(cases)}


def project_answerer(assistant: Assistant) -> Callable[[dict], dict]:
    def answer(case: dict) -> dict:
        assistant.clear_answer_cache()  # time the lookup, not the cache of repeated questions
        a = assistant.find_answers(case["question"], case.get("plan"), TODAY)
        return {"answered": a.answered, "text": to_plain(a.markdown)}
    return answer


def _entry_answer(assistant: Assistant, entry, today: dt.date) -> dict:
    block, _ = assistant.render_entry(entry, today)
    return {"answered": True, "text": to_plain(block)}


def rapidfuzz_answerer(assistant: Assistant) -> Callable[[dict], dict]:
    entries = assistant.index.entries
    choices = [assistant.index.kb.abbreviations.expand(f"{e.title} {e.body}") for e in entries]

    def answer(case: dict) -> dict:
        query = assistant.index.kb.abbreviations.expand(case["question"])
        _, _, idx = process.extractOne(query, choices, scorer=fuzz.WRatio)
        return _entry_answer(assistant, entries[idx], TODAY)
    return answer


def bm25s_answerer(assistant: Assistant) -> Callable[[dict], dict]:
    import bm25s

    index = assistant.index
    entries = index.entries
    corpus = [terms(index.syllables_of(f"{e.title} {' '.join(e.keywords)} {e.body}")) for e in entries]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenization.Tokenized(*_vocab_ids(corpus)), show_progress=False)
    vocab = _vocab_ids(corpus)[1]

    def answer(case: dict) -> dict:
        query = [t for t in terms(list(index.analyse(case["question"]).syllables)) if t in vocab]
        if not query:
            return {"answered": False, "text": ""}
        ids = [[vocab[t] for t in query]]
        results, _ = retriever.retrieve(bm25s.tokenization.Tokenized(ids, vocab), k=1,
                                        show_progress=False)
        return _entry_answer(assistant, entries[int(results[0][0])], TODAY)
    return answer


def _vocab_ids(corpus: list[list[str]]) -> tuple[list[list[int]], dict[str, int]]:
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(t, len(vocab)) for t in doc] for doc in corpus]
    return ids, vocab


ANSWERERS: tuple[tuple[str, Callable[[Assistant], Callable[[dict], dict]]], ...] = (
    ("project", project_answerer),
    ("rapidfuzz.extractOne", rapidfuzz_answerer),
    ("bm25s", bm25s_answerer),
)
SLOW = "rapidfuzz.extractOne"  # scores every entry: 0.6 s a question at ×100


def _rows(kb_name: str, kb: KnowledgeBase, cases: list[dict], samples: int, slow_samples: int,
          passes) -> list[dict]:
    """Every answerer over `kb`: set-up time (the project's index build; the baselines' own
    index, besides), then the timed answers (`slow_samples` of them for `SLOW`)."""
    start = time.perf_counter()
    assistant = Assistant(kb)
    index_ms = (time.perf_counter() - start) * 1000
    rows = []
    for name, make in ANSWERERS:
        start = time.perf_counter()
        answer = make(assistant)
        setup_ms = index_ms if name == "project" else (time.perf_counter() - start) * 1000
        count = slow_samples if name == SLOW else samples
        rows.append({"kb": kb_name, "answerer": name, "entries": len(kb.entries), "setup_ms": setup_ms,
                     **_measure(answer, cases, count, passes)})
    return rows


def run(dev_path: Path, samples: int = SAMPLES, slow_samples: int | None = None,
        factor: int = FACTOR) -> dict:
    """The answerers over the real KB, then over a `factor`× KB of copies and a varied one."""
    passes = _load_scorer(dev_path.parent / "score.py")
    cases = [json.loads(line) for line in dev_path.read_text(encoding="utf-8").splitlines() if line]
    slow = len(cases) if slow_samples is None else slow_samples

    start = time.perf_counter()
    kb = load_knowledge(DEFAULT_ROOT)
    load_ms = (time.perf_counter() - start) * 1000
    rows = _rows("1×", kb, cases, samples, samples, passes)
    start = time.perf_counter()
    copies = copied_kb(kb, factor)
    copies_ms = (time.perf_counter() - start) * 1000
    rows += _rows(f"×{factor} copies", copies, cases, samples, slow, passes)
    del copies  # one scaled KB and its indexes in memory at a time
    start = time.perf_counter()
    varied = varied_kb(kb, factor)
    varied_ms = (time.perf_counter() - start) * 1000
    rows += _rows(f"×{factor} varied", varied, cases, samples, slow, passes)
    return {"kb_load_ms": load_ms, "copies_made_ms": copies_ms, "varied_made_ms": varied_ms,
            "questions": len(cases), "factor": factor, "samples": samples, "rows": rows}


def print_table(result: dict) -> None:
    """One row per answerer and KB; its p99 beside the project's on the same KB and its own on 1×."""
    print(f"Answering: {result['questions']} dev questions asked round for each row's samples; "
          f"KB load {result['kb_load_ms']:.0f} ms; ×{result['factor']} KBs made in "
          f"{result['copies_made_ms'] / 1000:.1f} s (copies), {result['varied_made_ms'] / 1000:.1f} s "
          f"(varied); set-up: the index build (project) or the baseline's own index")
    print(f"{'KB':13s} {'answerer':20s} {'entries':>7s} {'set-up s':>8s} {'samples':>7s} {'p50 ms':>8s} "
          f"{'p99 ms':>8s} {'correct':>7s} {'oos':>5s} {'p99/project':>11s} {'p99/1×':>7s}")
    project = {row["kb"]: row["p99_ms"] for row in result["rows"] if row["answerer"] == "project"}
    one = {row["answerer"]: row["p99_ms"] for row in result["rows"] if row["kb"] == "1×"}
    for row in result["rows"]:
        correct = f"{100 * row['answered_correct']:.1f}%" if "answered_correct" in row else "-"
        oos = f"{100 * row['oos_declined']:.0f}%" if "oos_declined" in row else "-"
        few = "" if row["samples"] >= SAMPLES else f"  (p99 of {row['samples']} samples only)"
        to_project, to_one = row["p99_ms"] / project[row["kb"]], row["p99_ms"] / one[row["answerer"]]
        print(f"{row['kb']:13s} {row['answerer']:20s} {row['entries']:7d} {row['setup_ms'] / 1000:8.2f} "
              f"{row['samples']:7d} {row['p50_ms']:8.3f} {row['p99_ms']:8.3f} {correct:>7s} {oos:>5s} "
              f"{to_project:10.2f}× {to_one:6.2f}×{few}")
