"""``python -m resumatch --help`` imports nothing heavy: the libraries that cost seconds
(torch, transformers, scikit-learn, pandas, scipy, plotly) load only when a command or
model needs them. Asserts on the modules imported (``-X importtime``), never on time."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from paths import ROOT

HEAVY = ("torch", "transformers", "sentence_transformers", "sklearn", "pandas", "scipy",
         "plotly", "onnxruntime", "openvino", "optimum")


def imported_modules(*args: str) -> set[str]:
    """Top-level-and-below module names a ``python -X importtime -m resumatch`` run loads."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "resumatch", *args],
        cwd=ROOT, env={**os.environ, "PYTHONWARNINGS": "ignore"},
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "usage:" in result.stdout
    names = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    assert names, "no -X importtime output"
    return names


def heavy_in(names: set[str]) -> list[str]:
    return sorted(n for n in names if n.split(".")[0] in HEAVY)


@pytest.mark.parametrize("args", [("--help",), ("rank", "--help"), ("train", "--help")])
def test_help_imports_nothing_heavy(args: tuple[str, ...]) -> None:
    names = imported_modules(*args)
    assert heavy_in(names) == []
    # The matching stack itself stays unloaded too: only the CLI, config and settings.
    assert "resumatch.rank.matching" not in names
    assert "resumatch.embed.embedding" not in names


def test_lazy_package_names_still_import() -> None:
    """Every public name of the package resolves (PEP 562 ``__getattr__``)."""
    code = ("import resumatch, sys; assert 'numpy' not in sys.modules; "
            "from resumatch import Embedder, Store, score_matrix; "
            "print(all(getattr(resumatch, n) is not None for n in resumatch.__all__))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "True"
