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


def duration(seconds: float | None) -> str:
    """A duration for people: "45 s", "3 min 05 s", "2 h 07 min" ("?" when unknown)."""
    if seconds is None:
        return "?"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
