"""Text clean-up: symbol-font and decorative bullets become ordinary bullets."""

from __future__ import annotations

import pytest

from resumatch.ingest.text import normalize_bullets, normalize_text


@pytest.mark.parametrize("glyph", ["\uf0b7", "\uf0a7", "\uf0d8", "\uf076", "\uf0fc", "▪", "➢",
                                   "➤", "►", "■", "•"])
def test_bullets_become_ordinary(glyph: str) -> None:
    assert normalize_text(f"{glyph}\tKubernetes\n  {glyph} Terraform") == \
        "• Kubernetes\n• Terraform"


def test_no_private_use_character_survives_anywhere() -> None:
    text = normalize_text("Skills \uf0b7 Python \uf0a7 Go\ue000")
    assert not any("\ue000" <= c <= "\uf8ff" for c in text)
    assert text == "Skills • Python • Go•"


def test_ordinary_text_hyphen_bullets_and_other_glyphs_are_unchanged() -> None:
    text = "- Kubernetes\n* Terraform\n1. Go\nC++ -> Rust\n❖ Team player\n✓ Agile\n● SQL"
    assert normalize_bullets(text) == text
