"""Render user text safely: never as HTML, never as live markdown."""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$:])")


def escape_markdown(text: str) -> str:
    """Escape every character markdown (and Streamlit's extensions) would interpret.

    Example:
        >>> escape_markdown("[click](http://x) <b>")
        '\\\\[click\\\\]\\\\(http\\\\://x\\\\) \\\\<b\\\\>'
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")
