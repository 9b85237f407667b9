"""Leak-guard benchmark: time to judge a text of 4 KB, 64 KB and 1 MB, and the ratio to 4 KB.

The guard runs on every text before anything else, so its time must grow linearly with the
text (a 1 MB text is 256× a 4 KB one; the target is ≤ 300× the 4 KB time). Each shape repeats
one unit of text; most are built so that no rule stops early (no marking is found), which is
the slowest case: every rule scans the whole text. The shapes include the ones that used to
take quadratic time (many bracketed levels or level fields in a question).
"""

from __future__ import annotations

import gc
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


def _best_seconds(text: str, runs: int) -> float:
    """The fastest of `runs` timings with the garbage collector off, as `timeit` measures: on a
    shared machine the slower runs measure the neighbours, not the code."""
    times = []
    collecting = gc.isenabled()
    gc.disable()
    try:
        for _ in range(runs):
            start = time.perf_counter()
            find_marking(text)
            times.append(time.perf_counter() - start)
    finally:
        if collecting:
            gc.enable()
    return min(times)


def run_guard(runs_small: int = 51, runs_large: int = 5, sizes: tuple[int, int, int] = SIZES) -> list[dict]:
    """One row per shape: milliseconds per size, and the middle and largest times over the smallest."""
    find_marking("Độ mật: Tối мật")  # builds the look-alike table once, outside the timings
    rows = []
    for name, unit, marked in SHAPES:
        times = {}
        for size in sizes:
            text = _text(unit, size)
            if (find_marking(text) is not None) != marked:
                raise AssertionError(f"{name}: judged {'ordinary' if marked else 'marked'} at {size} bytes")
            times[size] = _best_seconds(text, runs_small if size < sizes[2] else runs_large)
        base = times[sizes[0]]
        rows.append({
            "shape": name,
            "ms": {size: times[size] * 1000 for size in sizes},
            "ratio_64k": times[sizes[1]] / base,
            "ratio_1m": times[sizes[2]] / base,
        })
    return rows


def print_guard(rows: list[dict]) -> None:
    print(f"\nLeak guard: best time to judge a text (target: 1 MB ≤ {TARGET_RATIO}× the 4 KB time)")
    print(f"{'shape':32s} {'4 KB ms':>9s} {'64 KB ms':>9s} {'1 MB ms':>9s} {'64K/4K':>7s} {'1M/4K':>7s}")
    for row in rows:
        small, middle, large = row["ms"].values()
        print(f"{row['shape']:32s} {small:9.3f} {middle:9.2f} {large:9.1f} "
              f"{row['ratio_64k']:7.1f} {row['ratio_1m']:7.1f}")
    worst = max(row["ratio_1m"] for row in rows)
    verdict = "met" if worst <= TARGET_RATIO else "NOT met"
    print(f"worst 1 MB / 4 KB ratio: {worst:.1f}× ({verdict}; linear would be 256×)")
