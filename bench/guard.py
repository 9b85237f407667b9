"""Leak-guard benchmark: time to judge a text of 4 KB, 64 KB and 1 MB, and the ratio to 4 KB.

The guard runs on every text before anything else, so its time must grow linearly with the
text (a 1 MB text is 256× a 4 KB one; the target is ≤ 300× the 4 KB time). Each shape repeats
one unit of text; most are built so that no rule stops early (no marking is found), which is
the slowest case: every rule scans the whole text. The shapes include the ones that used to
take quadratic time (many bracketed levels or level fields in a question).
"""

from __future__ import annotations

import statistics
import time

from bot.leak_guard import find_marking

SIZES = (4 * 1024, 64 * 1024, 1024 * 1024)
TARGET_RATIO = 300

# (name, repeated unit, whether the text is marked)
SHAPES = [
    ("pasted prose", "Kế hoạch số 12/KH-UBND về bảo vệ bí mật nhà nước; tài liệu mật phải được quản lý "
                     "chặt chẽ, không để lộ lọt.\n", False),
    ("questions about levels", "Tài liệu TỐI MẬT được bảo vệ bao lâu? Độ mật là gì? ", False),
    ("bracketed levels in a question", "ai (Mật) ", False),
    ("level fields in a question", "Độ mật: Mật là gì ", False),
    ("one long line of levels", "mật tối mật tuyệt mật, ", False),
    ("single letters", "m ậ c t o i mật ", False),
    ("look-alike letters", "Тài liệu мật (Сyrillic) ", False),
    ("lines of stamps", "MẬT\n", True),
    ("runs of spaces", "MẬT" + " " * 60 + "x\n", True),
]


def _text(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _median_seconds(text: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        find_marking(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_guard(runs_small: int = 51, runs_large: int = 3) -> list[dict]:
    """One row per shape: milliseconds per size, and the 64 KB and 1 MB times over the 4 KB time."""
    find_marking("Độ mật: Tối мật")  # builds the look-alike table once, outside the timings
    rows = []
    for name, unit, marked in SHAPES:
        times = {}
        for size in SIZES:
            text = _text(unit, size)
            assert (find_marking(text) is not None) == marked, name
            times[size] = _median_seconds(text, runs_small if size <= 64 * 1024 else runs_large)
        base = times[SIZES[0]]
        rows.append({
            "shape": name,
            "ms": {size: times[size] * 1000 for size in SIZES},
            "ratio_64k": times[SIZES[1]] / base,
            "ratio_1m": times[SIZES[2]] / base,
        })
    return rows


def print_guard(rows: list[dict]) -> None:
    print(f"\nLeak guard: median time to judge a text (target: 1 MB ≤ {TARGET_RATIO}× the 4 KB time)")
    print(f"{'shape':32s} {'4 KB ms':>9s} {'64 KB ms':>9s} {'1 MB ms':>9s} {'64K/4K':>7s} {'1M/4K':>7s}")
    for row in rows:
        ms = row["ms"]
        print(f"{row['shape']:32s} {ms[SIZES[0]]:9.3f} {ms[SIZES[1]]:9.2f} {ms[SIZES[2]]:9.1f} "
              f"{row['ratio_64k']:7.1f} {row['ratio_1m']:7.1f}")
    worst = max(row["ratio_1m"] for row in rows)
    verdict = "met" if worst <= TARGET_RATIO else "NOT met"
    print(f"worst 1 MB / 4 KB ratio: {worst:.1f}× ({verdict}; linear would be 256×)")
