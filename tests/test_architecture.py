"""The import rules of the layout (ARCHITECTURE.md): every arrow points down.

knowledge (pure) ← scheduler (pure time rules) ← bot (settings, core, db, services) ← bot.jobs,
handlers ← bot.telegram ← bot.cli. Checked on every import statement of the source,
function-level ones included.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = {alias.name for n in ast.walk(tree) if isinstance(n, ast.Import) for alias in n.names}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from bot import db` reaches bot.db: the module and each name under it.
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _reaches(imported: set[str], packages: tuple[str, ...]) -> set[str]:
    return {m for m in imported for p in packages if m == p or m.startswith(p + ".")}


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", _modules("knowledge") + _modules("scheduler"), ids=_name)
def test_knowledge_and_scheduler_are_pure(path):
    # No application, no Telegram, no database: functions of the KB and the date only.
    assert not _reaches(_imports(path), ("bot", "handlers", "telegram", "sqlalchemy", "alembic"))


def test_scheduler_imports_nothing_of_the_project_but_knowledge():
    for path in _modules("scheduler"):
        project = {m for m in _imports(path) if m.split(".")[0] in ("bench", "bot", "handlers", "tests")}
        assert not project, _name(path)


@pytest.mark.parametrize("path", _modules("handlers"), ids=_name)
def test_handlers_reach_the_database_only_through_services(path):
    assert not _reaches(_imports(path), ("sqlalchemy", "alembic", "bot.db", "bot.cli", "bot.jobs"))


@pytest.mark.parametrize("path", _modules("bot") + _modules("knowledge") + _modules("scheduler"), ids=_name)
def test_only_the_telegram_package_imports_the_handlers(path):
    if path.is_relative_to(ROOT / "bot" / "telegram"):
        return
    assert not _reaches(_imports(path), ("handlers",)), _name(path)


def _application_core() -> list[Path]:
    """bot/ without its entry points and jobs: settings, core, db, services and the helpers."""
    outer = [ROOT / "bot" / name for name in ("cli", "jobs", "telegram")]
    return [p for p in _modules("bot")
            if p.name != "__main__.py" and not any(p.is_relative_to(o) for o in outer)]


@pytest.mark.parametrize("path", _application_core(), ids=_name)
def test_services_and_the_database_import_no_entry_point_and_no_job(path):
    assert not _reaches(_imports(path), ("bot.cli", "bot.jobs", "bot.telegram", "handlers"))


def test_the_rules_see_every_import():
    # The checks above would pass vacuously if they read the wrong files.
    app = _imports(ROOT / "bot" / "telegram" / "app.py")
    assert "handlers" in app and any(m.startswith("telegram") for m in app)
    assert "knowledge.loader" in _imports(ROOT / "scheduler" / "items.py")
    core = _application_core()
    assert ROOT / "bot" / "services" / "users.py" in core and ROOT / "bot" / "db" / "models.py" in core
    assert ROOT / "bot" / "jobs" / "delivery.py" not in core
