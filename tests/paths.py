"""Paths the tests share (import as ``from paths import ...``; tests/ is on sys.path)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
SHARED_DATA = ROOT.parent / "shared" / "data"
# The document cases of issue 10 (fixtures: read them from here, never copy them).
SHARED_CASES = ROOT.parent / "shared" / "cases" / "documents"
