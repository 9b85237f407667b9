"""Answering benchmark: load/index time, latency p50/p99, accuracy against two baselines, 100× KB.

The baselines answer the same questions over the same KB entries, rendered the same way:
`rapidfuzz.process.extractOne` (fuzzy string similarity, the usual quick FAQ bot) and `bm25s`
(a fast BM25 library, fed the same diacritic-folded, abbreviation-expanded syllables). Accuracy
is scored with the development set's own scorer (`../shared/eval/score.py`'s `passes`), so the
numbers are comparable with `score.py`'s. Timings are wall-clock on a shared machine: compare
the ratios printed in the same run, not absolute numbers across runs.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import importlib.util
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz, process

from knowledge.answers import Assistant
from knowledge.loader import DEFAULT_ROOT, KnowledgeBase, load_knowledge
from knowledge.render import to_plain
from knowledge.text import terms

# Distinct wordings `bench.telegram.new_questions` makes of the development and regression
# questions, less one warm-up wording per question.
MAX_UPDATES = 10_000
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


def _time_answers(answer: Callable[[dict], dict], cases: list[dict], repeat: int) -> list[float]:
    latencies = []
    for _ in range(repeat):
        for case in cases:
            start = time.perf_counter()
            answer(case)
            latencies.append((time.perf_counter() - start) * 1000)
    return latencies


def _accuracy(answer: Callable[[dict], dict], cases: list[dict], passes) -> dict:
    ok_in = n_in = ok_oos = n_oos = 0
    for case in cases:
        good = passes(case, answer(case))[0]
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


def scaled_kb(kb: KnowledgeBase, factor: int) -> KnowledgeBase:
    """A synthetic KB `factor` times larger: each entry copied with a distinguishing word."""
    entries = list(kb.entries)
    for i in range(1, factor):
        entries.extend(
            dataclasses.replace(e, id=f"{e.id}-x{i}", body=f"{e.body} bản sao {i} mục{i}")
            for e in kb.entries
        )
    return KnowledgeBase(kb.documents, tuple(entries), kb.registry, kb.abbreviations,
                         {e.id: e for e in entries})


def run(dev_path: Path, repeat: int) -> dict:
    passes = _load_scorer(dev_path.parent / "score.py")
    cases = [json.loads(line) for line in dev_path.read_text(encoding="utf-8").splitlines() if line]

    start = time.perf_counter()
    kb = load_knowledge(DEFAULT_ROOT)
    load_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    assistant = Assistant(kb)
    index_ms = (time.perf_counter() - start) * 1000

    rows = {}
    for name, make in (("project", project_answerer), ("rapidfuzz.extractOne", rapidfuzz_answerer),
                       ("bm25s", bm25s_answerer)):
        answer = make(assistant)
        answer(cases[0])  # warm-up (caches, lazy imports)
        lat = _time_answers(answer, cases, repeat)
        rows[name] = {"entries": len(kb.entries), "p50_ms": statistics.median(lat),
                      "p99_ms": _percentile(lat, 0.99), **_accuracy(answer, cases, passes)}

    big = scaled_kb(kb, 100)
    start = time.perf_counter()
    big_assistant = Assistant(big)
    big_index_ms = (time.perf_counter() - start) * 1000
    answer = project_answerer(big_assistant)
    answer(cases[0])
    lat = _time_answers(answer, cases, 1)
    rows["project ×100 KB"] = {"entries": len(big.entries), "p50_ms": statistics.median(lat),
                               "p99_ms": _percentile(lat, 0.99)}
    return {"kb_load_ms": load_ms, "index_build_ms": index_ms, "index_build_x100_ms": big_index_ms,
            "questions": len(cases), "repeat": repeat, "rows": rows}


def print_table(result: dict) -> None:
    print(f"KB load {result['kb_load_ms']:.1f} ms · index build {result['index_build_ms']:.1f} ms"
          f" · index build ×100 {result['index_build_x100_ms']:.0f} ms · "
          f"{result['questions']} dev questions × {result['repeat']}")
    print(f"{'answerer':24s} {'entries':>8s} {'p50 ms':>8s} {'p99 ms':>8s} {'correct':>8s} {'oos':>6s}")
    base = result["rows"]["project"]["p99_ms"]
    for name, row in result["rows"].items():
        correct = f"{100 * row['answered_correct']:.1f}%" if "answered_correct" in row else "-"
        oos = f"{100 * row['oos_declined']:.0f}%" if "oos_declined" in row else "-"
        print(f"{name:24s} {row['entries']:8d} {row['p50_ms']:8.3f} {row['p99_ms']:8.3f} "
              f"{correct:>8s} {oos:>6s}   p99 ×{row['p99_ms'] / base:.2f} of project")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEV_SET, help="development question set")
    parser.add_argument("--repeat", type=int, default=20, help="passes over the questions")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--only", choices=["answers", "telegram", "statuses", "reminders", "guard",
                                           "webhooks"],
                        help="run one benchmark")
    parser.add_argument("--updates", type=int, default=2000, help="question updates for the throughput")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of the throughput (the median is reported)")
    parser.add_argument("--submissions", type=int, default=2000, help="status submissions to time")
    parser.add_argument("--units", type=int, default=2000, help="units of the exported plan")
    parser.add_argument("--webhook-updates", type=int, default=1000,
                        help="updates posted to the webhook processes (PostgreSQL) per run")
    args = parser.parse_args(argv)
    if args.only not in ("statuses", "guard") and not args.dev.is_file():
        print(f"development set not found: {args.dev}")
        return 2
    if min(args.repeat, args.updates, args.rounds, args.submissions, args.units) < 1:
        print("--repeat, --updates, --rounds, --submissions and --units must be at least 1")
        return 2
    if args.updates > MAX_UPDATES:
        print(f"--updates: at most {MAX_UPDATES} (the distinct question wordings available)")
        return 2
    from bench.statuses import print_statuses, run_statuses  # needs the bot's dependencies
    from bench.telegram import print_submissions, print_throughput, run_submissions, run_throughput

    result = {}
    if args.only in (None, "answers"):
        result = run(args.dev, args.repeat)
        if not args.json:
            print_table(result)
    if args.only in (None, "telegram"):
        result["telegram"] = run_throughput(args.dev, args.updates, rounds=args.rounds)
        if not args.json:
            print_throughput(result["telegram"])
    if args.only in (None, "statuses"):
        result["statuses"] = run_statuses(args.submissions, args.units)
        result["statuses"]["application"] = run_submissions(args.submissions)
        if not args.json:
            print_statuses(result["statuses"])
            print_submissions(result["statuses"]["application"])
    if args.only in (None, "reminders"):
        from bench.delivery import print_delivery, run_delivery
        from bench.reminders import print_planning, run_planning

        result["reminders"] = {"planning": run_planning(), "delivery": run_delivery()}
        if not args.json:
            print_planning(result["reminders"]["planning"])
            print_delivery(result["reminders"]["delivery"])
    if args.only in (None, "guard"):
        from bench.guard import print_guard, run_guard

        result["guard"] = run_guard()
        if not args.json:
            print_guard(result["guard"])
    if args.only in (None, "webhooks"):
        from bench.webhooks import print_webhooks, run_webhooks

        result["webhooks"] = run_webhooks(args.dev, args.webhook_updates)
        if not args.json:
            print_webhooks(result["webhooks"])
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0
