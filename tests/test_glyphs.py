"""Glyph coverage: every character on screen comes from a face of its own font, asked of
fontconfig (what Pango uses), and a character the font lacks stops the run before anything is
made, naming the character, the font and the storyboard field."""

from __future__ import annotations

import re

import subprocess
from pathlib import Path

import pytest

from conftest import MINI, run_cli
from explainer_anim.glyphs import FontNotInstalled, describe, face, faces, missing_glyphs

GRIN, ZHONG, MINUS = "\U0001F600", "\u4e2d", "\u2212"


def families_with(ch: str) -> set[str]:
    """Families fontconfig lists as having ``ch``: the independent witness for our lookups."""
    out = subprocess.run(["fc-list", f":charset={ord(ch):x}", "family"], capture_output=True, text=True,
                         check=True).stdout
    return {name.strip() for line in out.splitlines() for name in line.split(",")}


@pytest.mark.parametrize("ch", [GRIN, ZHONG, MINUS])
def test_fontconfig_confirms_noto_serif_lacks_the_characters_we_test_with(ch: str) -> None:
    assert "Noto Serif" not in families_with(ch)
    assert "Noto Serif" in families_with("é")


def test_face_is_the_file_pango_would_use() -> None:
    italic = face("Noto Serif", "NORMAL", "ITALIC")
    assert italic.file.name == "NotoSerif-Italic.ttf" and italic.name == "Noto Serif Italic"
    assert face("Noto Sans", "BOLD").file.name == "NotoSans-Bold.ttf"
    assert italic.has("a") and italic.has("“") and italic.has("—") and italic.has("’")
    assert not italic.has(GRIN) and not italic.has(ZHONG) and not italic.has(MINUS)


def test_missing_glyphs_lists_each_missing_character_once_in_order() -> None:
    text = f"t/(1 {MINUS} t) “I don’t know” {GRIN}{ZHONG}{GRIN}\n"
    assert missing_glyphs(text, "Noto Serif", slant="ITALIC") == [MINUS, GRIN, ZHONG]
    assert missing_glyphs("plain ASCII, é and — dashes", "Noto Serif") == []


def test_a_family_list_is_a_declared_fallback() -> None:
    assert missing_glyphs(f"1 {MINUS} t", "Noto Serif, DejaVu Serif", slant="ITALIC") == []
    assert [f.family for f in faces("Noto Serif, DejaVu Serif")] == ["Noto Serif", "DejaVu Serif"]


def test_a_font_that_is_not_installed_is_refused_not_substituted() -> None:
    with pytest.raises(FontNotInstalled, match="'No Such Family' is not installed .*substitute"):
        face("No Such Family")


def test_characters_are_named() -> None:
    assert describe(MINUS) == "U+2212 MINUS SIGN '−'"
    assert describe(GRIN) == "U+1F600 GRINNING FACE '😀'"


# --- the storyboard check, through the real CLI --------------------------------------------------


def variant(tmp_path: Path, *swaps: tuple[str, str]) -> Path:
    # No pinned hash: these tests check glyphs against their own small source texts.
    text = re.sub(r"    sha256: [0-9a-f]+\n", "", MINI.read_text(encoding="utf-8"), count=1)
    for old, new in swaps:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "storyboard.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def refused(tmp_path: Path, storyboard: Path) -> str:
    """``render all`` must stop before making anything, with exit status 2."""
    out = tmp_path / "renders"
    proc = run_cli("render", "all", "--storyboard", str(storyboard), "--quality", "preview", "--out", str(out))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (out / "mini-test").exists(), "no output may be written before the checks pass"
    return proc.stderr


def test_render_refuses_a_title_with_a_character_its_font_lacks(tmp_path: Path) -> None:
    sb = variant(tmp_path, ("    title: Title\n", f"    title: Title {GRIN}\n"))
    err = refused(tmp_path, sb)
    assert f"{sb}:{line_of(sb, 'title: Title')}:" in err
    assert "exhibits[0].title: U+1F600 GRINNING FACE '😀' is not in the font Noto Sans Bold" in err
    assert "theme.fonts.heading" in err


def test_render_refuses_narration_with_a_character_the_body_font_lacks(tmp_path: Path) -> None:
    sb = variant(tmp_path, ("A short test", f"A short {ZHONG} test"))
    err = refused(tmp_path, sb)
    assert f"{sb}:{line_of(sb, 'A short')}:" in err
    assert "exhibits[0].beats[0].narration: U+4E2D CJK UNIFIED IDEOGRAPH-4E2D '中' is not in the font Noto Serif" in err


def test_quote_card_glyphs_are_checked_in_the_face_drawn(tmp_path: Path) -> None:
    quote = f"large language models sometimes guess when uncertain {GRIN}"
    sb = variant(tmp_path, ("Like students facing hard exam questions, large language models sometimes guess "
                            "when uncertain, producing plausible yet incorrect statements instead of admitting "
                            "uncertainty.", quote))
    source = tmp_path / "source.txt"  # verbatim in it: only the glyph can fail
    source.write_text(f"A paper\n\nAbstract\n\n{quote}\n", encoding="utf-8")
    proc = run_cli("quotes", "check", "--storyboard", str(sb), "--source", str(source))
    assert proc.returncode == 2
    assert "QUOTE CHECK FAILED" not in proc.stderr
    assert (f"{sb}:{line_of(sb, 'sometimes guess')}:9: exhibits[1].quotes[0].text: U+1F600 GRINNING FACE '😀' "
            "is not in the font Noto Serif Italic (NotoSerif-Italic.ttf)") in proc.stderr


def test_render_refuses_a_theme_font_that_is_not_installed(tmp_path: Path) -> None:
    sb = variant(tmp_path, ("voice:\n", "theme:\n  fonts: {body: No Such Family}\nvoice:\n"))
    err = refused(tmp_path, sb)
    assert f"{sb}:{line_of(sb, 'No Such Family')}:" in err
    assert "theme.fonts.body: font 'No Such Family' is not installed" in err
