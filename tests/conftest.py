"""Shared fixtures: the real knowledge base (loaded once) and a small valid KB to break."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from textwrap import dedent

import pytest

from knowledge.answers import Assistant
from knowledge.loader import KnowledgeBase, load_knowledge
from tests.databases import BACKENDS, database_url_for

# A fixed "today" so answers that say "đã qua" / "còn N ngày" are reproducible.
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="session", autouse=True)
def own_cache_directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The CLI keeps the KB's analysed texts in the user's cache directory
    (`knowledge.startup_cache`): tests, and the commands they start, use one of their own."""
    cache = tmp_path_factory.mktemp("xdg-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(cache))
        yield cache


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture(scope="session")
def assistant(kb: KnowledgeBase) -> Assistant:
    return Assistant(kb)


MINI_UNITS = """\
---
id: units
kind: units
title: Đơn vị
source: test
---

## nhom-tat-ca
type: group
name: Các cơ quan, đơn vị, địa phương
aliases: cơ quan, đơn vị, địa phương

## nhom-so
type: group
name: Các sở, ban, ngành
groups: nhom-tat-ca
prefixes: sở

## cong-an-tinh
type: unit
name: Công an tỉnh
aliases: CA tỉnh
groups: nhom-tat-ca

## so-tai-chinh
type: unit
name: Sở Tài chính
groups: nhom-so
"""

MINI_GLOSSARY = """\
---
id: glossary
kind: glossary
title: Viết tắt
source: test
---

## g-bmnn
type: term
term: BMNN
expansion: bí mật nhà nước

## g-ca
type: term
term: CA
expansion: công an
case: exact
"""

MINI_PLAN = """\
---
id: thu-nghiem
kind: plan
plan: thu-nghiem
title: Kế hoạch thử nghiệm
short: Kế hoạch thử nghiệm
province: Thử Nghiệm
aliases: kế hoạch thử nghiệm
source: test
---

## tn-gui-ke-hoach
type: deadline
title: Gửi kế hoạch về Công an tỉnh
units: Các sở, ban, ngành
due: 2026-01-15
ref: mục IV.1

Các sở gửi kế hoạch về Công an tỉnh trước ngày 15/01/2026.

## tn-bao-cao
type: deadline
title: Báo cáo hằng năm
units: cơ quan, đơn vị, địa phương
due: yearly:12-15
ref: mục IV.2

Báo cáo kết quả trước ngày 15/12 hằng năm.

## tn-tai-chinh
type: duty
title: Sở Tài chính bố trí kinh phí
units: Sở Tài chính
ref: mục III.2

Sở Tài chính tham mưu bố trí kinh phí bảo vệ bí mật nhà nước.

## tn-lien-he
type: contact
title: Liên hệ Công an tỉnh
units: CA tỉnh
phones: 0123.456.789
ref: chú thích 1

Phòng An ninh chính trị nội bộ, Công an tỉnh.
"""

MINI_LAW = """\
---
id: luat-moi
kind: law
title: Luật thử nghiệm
short: Luật 1/2025/QH15
number: 1/2025/QH15
status: in_force
effective: 2026-03-01
source: test
---

## lm-d2-k1
type: provision
title: Khái niệm bí mật nhà nước
article: 2
clause: 1
verified: clause

Bí mật nhà nước là thông tin quan trọng chưa công khai, nếu lộ gây nguy hại lợi ích quốc gia.
"""


def write_mini_kb(root: Path, **overrides: str) -> Path:
    """Write the small valid KB under `root`; `overrides` replace files by name."""
    files = {
        "units.md": MINI_UNITS,
        "glossary.md": MINI_GLOSSARY,
        "plans/thu-nghiem.md": MINI_PLAN,
        "law/luat-moi.md": MINI_LAW,
    }
    files.update({k.replace("__", "/"): v for k, v in overrides.items()})
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def mini_kb_dir(tmp_path: Path) -> Path:
    return write_mini_kb(tmp_path / "content")


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: the test runs once on SQLite and once on PostgreSQL."""
    with database_url_for(request.param, tmp_path) as url:
        yield url
