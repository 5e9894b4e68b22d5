"""CSV files the product writes, safe to open in a spreadsheet.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read as a formula by Excel, LibreOffice Calc and Google Sheets ("CSV injection"). A
candidate controls the text of their resume and its file name, so every CSV the product
writes (matches, score matrix, compare, shortlist, pool, audit, pairs) goes through this
module, which prefixes such cells with a single quote, as OWASP recommends:
https://owasp.org/www-community/attacks/CSV_Injection

Numbers are written as numbers: a negative score is not a formula, and scripts that read
``score`` as a float keep working.

Example:
    >>> rows_to_csv(["name", "score"], [["=HYPERLINK(\\"x\\")", -0.5]])
    'name,score\\n"\\'=HYPERLINK(""x"")",-0.5\\n'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula;
    anything else (numbers, None, safe text) unchanged.

    Example:
        >>> neutralize("=1+1"), neutralize("-rm"), neutralize("Python"), neutralize(-2)
        ("'=1+1", "'-rm", 'Python', -2)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_cell(value: Any) -> Any:
    """``neutralize(value)``, and a text cell's carriage returns made newlines: Python's
    csv writer quotes a cell holding a newline but not one holding a lone ``\\r``, which
    would end the row early in every reader.

    Example:
        >>> safe_cell("\\rcalc"), safe_cell("a\\r\\nb")
        ("'\\ncalc", 'a\\nb')
    """
    value = neutralize(value)
    if isinstance(value, str) and "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells, column names and index labels are neutralized."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(safe_cell)
    out.columns = [safe_cell(c) for c in out.columns]
    if not pd.api.types.is_numeric_dtype(out.index):
        out.index = out.index.map(safe_cell)
        out.index.name = safe_cell(frame.index.name)
    return out


def frame_to_csv(frame: pd.DataFrame, **kwargs: Any) -> str:
    """``frame.to_csv(**kwargs)`` with every text cell neutralized (see module docstring)."""
    return safe_frame(frame).to_csv(**kwargs)


def rows_to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV (``\\n`` line ends) of ``header`` and ``rows``, every text cell neutralized."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()
