"""Render user text safely: never as HTML, never as live markdown."""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$:])")
# The renderer still turns bare URLs and emails into links after escapes are resolved:
# a zero-width space after the scheme and before "@" breaks its autolink detection.
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|www)(?=\\[:.])")


def escape_markdown(text: str) -> str:
    """Escape every character markdown (and Streamlit's extensions) would interpret.

    Example:
        >>> escape_markdown("[x](http://a) <b>").replace("\\u200b", "")
        '\\\\[x\\\\]\\\\(http\\\\://a\\\\) \\\\<b\\\\>'
    """
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    escaped = _AUTOLINK.sub("\\1\u200b", escaped).replace("@", "\u200b@")
    return escaped.replace("\n", "  \n")
