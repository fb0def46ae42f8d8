"""Which characters a font really has, asked of fontconfig: the library Pango uses to pick fonts.

Pango never fails on a character its font lacks: it draws it from whatever installed font has
it, so a quote in Noto Serif Italic can show a sans-serif minus sign with no warning. Asking
fontconfig for the face Pango will use (family, weight, slant) and reading that face's character
set lets us refuse such text before rendering instead.
"""

from __future__ import annotations

import bisect
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import UserError

# Pango's weight and style names (as Manim's Text takes them) in fontconfig's numbers.
_FC_WEIGHT = {"THIN": 0, "ULTRALIGHT": 40, "LIGHT": 50, "SEMILIGHT": 55, "BOOK": 75, "NORMAL": 80,
              "MEDIUM": 100, "SEMIBOLD": 180, "BOLD": 200, "ULTRABOLD": 205, "HEAVY": 210, "ULTRAHEAVY": 215}
_FC_SLANT = {"NORMAL": 0, "ITALIC": 100, "OBLIQUE": 110}
# Characters Pango lays out without a glyph: controls, line breaks, default-ignorable formats.
_NO_GLYPH_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}


class FontNotInstalled(UserError):
    """A font family that fontconfig does not know: Pango would substitute another, silently."""


@dataclass(frozen=True)
class Face:
    """One font file, as fontconfig matched it for a family, weight and slant."""

    family: str
    name: str  # "Noto Serif Italic"
    file: Path
    ranges: tuple[tuple[int, int], ...]  # the character set: sorted, inclusive code point ranges

    def has(self, ch: str) -> bool:
        cp = ord(ch)
        i = bisect.bisect_right(self.ranges, (cp, 0x10FFFF + 1)) - 1
        return i >= 0 and self.ranges[i][0] <= cp <= self.ranges[i][1]

    def __str__(self) -> str:
        return f"{self.name} ({self.file.name})"


def _parse_charset(text: str) -> tuple[tuple[int, int], ...]:
    ranges = []
    for part in text.split():
        lo, _, hi = part.partition("-")
        ranges.append((int(lo, 16), int(hi or lo, 16)))
    return tuple(sorted(ranges))


def _squash(name: str) -> str:
    # fontconfig compares family names ignoring case and blanks.
    return "".join(name.split()).casefold()


@lru_cache(maxsize=64)
def face(family: str, weight: str = "NORMAL", slant: str = "NORMAL") -> Face:
    """The face fontconfig gives Pango for ``family`` at ``weight`` and ``slant``."""
    if shutil.which("fc-match") is None:
        raise UserError("fc-match (Debian package fontconfig) is needed to check fonts; run scripts/setup.sh")
    escaped = "".join("\\" + c if c in "\\-:," else c for c in family)
    pattern = f"{escaped}:weight={_FC_WEIGHT[weight.upper()]}:slant={_FC_SLANT[slant.upper()]}"
    out = subprocess.run(["fc-match", "-f", "%{family}\n%{fullname}\n%{file}\n%{charset}\n", pattern],
                         capture_output=True, text=True, check=True).stdout.split("\n")
    families, fullname, file, charset = (out + ["", "", "", ""])[:4]
    # %{family} lists every name of the matched family ("DejaVu Serif,DejaVu Serif Condensed").
    if _squash(family) not in {_squash(f) for f in families.split(",")}:
        raise FontNotInstalled(f"font {family!r} is not installed (fontconfig would substitute "
                               f"{families.split(',')[0]!r})")
    return Face(family, fullname.split(",")[0] or family, Path(file), _parse_charset(charset))


def faces(font: str, weight: str = "NORMAL", slant: str = "NORMAL") -> list[Face]:
    """The faces of a Pango family list ("Noto Serif, DejaVu Serif"), in the order Pango tries
    them: naming a second family is how a theme declares a fallback on purpose."""
    return [face(name.strip(), weight, slant) for name in font.split(",") if name.strip()]


def missing_glyphs(text: str, font: str, weight: str = "NORMAL", slant: str = "NORMAL") -> list[str]:
    """The characters of ``text`` (each once, in order) that no face of ``font`` has."""
    fs = faces(font, weight, slant)
    seen: dict[str, None] = {}
    for ch in text:
        if ch not in seen and unicodedata.category(ch) not in _NO_GLYPH_CATEGORIES \
                and not any(f.has(ch) for f in fs):
            seen[ch] = None
    return list(seen)


def describe(ch: str) -> str:
    """``U+2212 MINUS SIGN '−'``."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')} '{ch}'"
