"""Start-up cost of `python -m bot ask`: CPU seconds of the whole process, beside baselines.

Each command runs `runs` times as a child process; its CPU time (user + system) is the
difference of `resource.getrusage(RUSAGE_CHILDREN)` around it, so the machine's other load
adds little (unlike wall-clock time). Baselines in the same run: an empty interpreter
(`python -c pass`), importing the `knowledge` package, loading the KB and building the
assistant in full in one process, and `ask` with an empty cache directory (a first run, or the
KB or the code changed since the last). The measured `ask` finds the KB's analysed texts in its
cache directory (`knowledge.startup_cache`), filled by one untimed run first. Every run gets a
cache directory of its own under a temporary directory: the user's is neither read nor written.
Target: `ask` ≤ 0.5 s CPU.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["COMMANDS", "TARGET", "print_startup", "run_startup"]

TARGET = 0.5  # CPU seconds for `python -m bot ask`
ROOT = Path(__file__).resolve().parents[1]
QUESTION = "hạn gửi báo cáo năm"
INDEX_ONLY = ("from knowledge.answers import Assistant; from knowledge.loader import DEFAULT_ROOT, "
              "load_knowledge; Assistant(load_knowledge(DEFAULT_ROOT))")
ASK = ["-m", "bot", "ask", QUESTION]
# (label, arguments after the interpreter, whether each run gets an empty cache directory); the
# last is the one measured against the target.
COMMANDS = (
    ("python -c pass", ["-c", "pass"], False),
    ('python -c "import knowledge"', ["-c", "import knowledge"], False),
    ("load KB + build assistant, no cache", ["-c", INDEX_ONLY], False),
    ("ask, empty cache (first run)", ASK, True),
    (f'python -m bot ask "{QUESTION}"', ASK, False),
)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_seconds(args: list[str], cache: Path | None = None) -> float:
    """CPU seconds of one run of the interpreter with `args` (its output discarded), its cache
    directory (`XDG_CACHE_HOME`) `cache` when given."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)} if cache is not None else None
    before = _children_cpu()
    subprocess.run([sys.executable, *args], cwd=ROOT, stdout=subprocess.DEVNULL, check=True, env=env)
    return _children_cpu() - before


def run_startup(runs: int = 5) -> dict:
    """Median and least CPU seconds of each command, the runs interleaved (a slow spell of the
    machine hits every command alike)."""
    times: dict[str, list[float]] = {label: [] for label, _, _ in COMMANDS}
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as scratch:
        warm = Path(scratch) / "warm"
        cpu_seconds(ASK, warm)  # fills the cache the measured `ask` finds
        for run in range(runs):
            for number, (label, args, empty) in enumerate(COMMANDS):
                cache = Path(scratch) / f"empty-{run}-{number}" if empty else warm
                times[label].append(cpu_seconds(args, cache))
    rows = [{"command": label, "median_s": statistics.median(times[label]), "min_s": min(times[label])}
            for label, _, _ in COMMANDS]
    return {"runs": runs, "target_s": TARGET, "rows": rows}


def print_startup(result: dict) -> None:
    print(f"\nStart-up CPU time (user + system of the child process, {result['runs']} runs each, "
          f"interleaved); target: ask ≤ {result['target_s']} s")
    rows = result["rows"]
    empty, ask = rows[0]["median_s"], rows[-1]["median_s"]
    print(f"{'command':40s} {'median s':>9s} {'least s':>8s} {'× empty':>8s}")
    for row in rows:
        print(f"{row['command']:40s} {row['median_s']:9.3f} {row['min_s']:8.3f} "
              f"{row['median_s'] / max(empty, 1e-3):7.1f}×")
    verdict = "met" if ask <= result["target_s"] else "NOT met"
    print(f"ask: {ask:.3f} s median ({verdict}); with an empty cache: {rows[-2]['median_s']:.3f} s; "
          f"the full build alone: {rows[-3]['median_s']:.3f} s")
