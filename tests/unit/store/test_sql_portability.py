"""Every SQL statement in the product runs on both engines: a scan of the source.

The store tests run the store's own SQL on SQLite and PostgreSQL; this scan catches the
SQL of every other module (and of branches merged later) without a database: string
literals that start like a statement must pass ``check_portable``, and nothing outside
``resumatch/store`` may build a store by hand, read ``lastrowid`` or import ``sqlite3``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from resumatch.store.dialect import UnsupportedSQL, check_portable
from resumatch.store.migrations import MIGRATIONS, Migration, script

ROOT = Path(__file__).resolve().parents[3]
# Engine-specific by design: the engines themselves and the migration list (whose
# portable parts are checked below, entry by entry).
ENGINE_FILES = {"resumatch/store/sqlite.py", "resumatch/store/postgres.py",
                "resumatch/store/dialect.py", "resumatch/store/migrations.py"}
PRODUCT = ["resumatch", "ui", "pages", "app.py"]
STATEMENT = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|WITH|PRAGMA|"
                       r"REPLACE)\s")


def product_files() -> Iterator[tuple[str, ast.AST]]:
    for entry in PRODUCT:
        path = ROOT / entry
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            if file.exists():
                relative = file.relative_to(ROOT).as_posix()
                yield relative, ast.parse(file.read_text(encoding="utf-8"), relative)


def literal_text(node: ast.AST) -> str | None:
    """A string literal's text; an f-string's with each ``{...}`` as ``x``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "x"
                       for part in node.values)
    return None


def sql_literals() -> list[tuple[str, int, str]]:
    found = []
    for relative, tree in product_files():
        if relative in ENGINE_FILES:
            continue
        for node in ast.walk(tree):
            text = literal_text(node)
            if text and (STATEMENT.match(text) or "INSERT OR " in text or "PRAGMA " in text):
                found.append((relative, getattr(node, "lineno", 0), text))
    return found


def test_the_scan_finds_the_product_sql() -> None:
    files = {relative for relative, _, _ in sql_literals()}
    assert {"resumatch/train/runs.py", "resumatch/train/pairs.py", "resumatch/pool/shortlist.py",
            "resumatch/embed/registry.py", "resumatch/store/base.py"} <= files


def test_every_sql_literal_is_portable() -> None:
    problems = []
    for relative, line, text in sql_literals():
        try:
            check_portable(text)
        except UnsupportedSQL as err:
            problems.append(f"{relative}:{line}: {err}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("index", range(len(MIGRATIONS)))
def test_every_migration_translates(index: int) -> None:
    migration = MIGRATIONS[index]
    portable = migration.sql if isinstance(migration, Migration) else migration
    check_portable(portable)
    assert script(migration, "postgres").strip()
    assert script(migration, "sqlite").strip()


def test_no_module_builds_its_own_store_or_reads_lastrowid() -> None:
    """Outside resumatch/store, a store comes from open_store(settings): a hand-built
    Store(path) would quietly use SQLite on a team's PostgreSQL setup."""
    problems = []
    for relative, tree in product_files():
        if relative.startswith("resumatch/store/"):
            continue
        for node in ast.walk(tree):
            line = getattr(node, "lineno", 0)
            if isinstance(node, ast.Call):
                name = (node.func.id if isinstance(node.func, ast.Name) else
                        node.func.attr if isinstance(node.func, ast.Attribute) else "")
                if name in {"Store", "SQLiteStore", "PostgresStore"}:
                    problems.append(f"{relative}:{line}: {name}(...) instead of open_store()")
            if isinstance(node, ast.Attribute) and node.attr == "lastrowid":
                problems.append(f"{relative}:{line}: lastrowid (use INSERT ... RETURNING id)")
            if isinstance(node, ast.Import | ast.ImportFrom):
                modules = ([a.name for a in node.names] if isinstance(node, ast.Import)
                           else [node.module or ""])
                if any(m.split(".")[0] == "sqlite3" for m in modules):
                    problems.append(f"{relative}:{line}: sqlite3 outside resumatch/store")
    assert problems == [], "\n".join(problems)
