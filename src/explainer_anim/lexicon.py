"""Pronunciation: the storyboard's ``lexicon:`` maps written forms to what the voice says.

Captions show the written narration; the voice speaks ``Lexicon.speak(text).text``, and every
position in one maps to the other, so a cue found in the written text is timed in the spoken.
Entries match whole words (a side that is a letter or digit must not touch another one) and
are case-sensitive unless they say ``ignore_case: true``; the longest entry wins.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from .errors import Location


@dataclass(frozen=True)
class LexiconEntry:
    written: str
    spoken: str
    ignore_case: bool = False
    location: Location | None = field(default=None, compare=False)

    def pattern(self) -> str:
        p = re.escape(self.written)
        if re.match(r"\w", self.written[0]):
            p = r"(?<!\w)" + p
        if re.match(r"\w", self.written[-1]):
            p += r"(?!\w)"
        return f"(?i:{p})" if self.ignore_case else p


@dataclass(frozen=True)
class Spoken:
    """A written text, what is said for it, and which written span became which spoken span."""

    written: str
    text: str
    replaced: tuple[tuple[int, int, int, int], ...] = ()  # (written start, end, spoken start, end)

    def to_spoken(self, pos: int) -> int:
        """The spoken offset of written offset ``pos`` (a replaced word maps to its start)."""
        delta = 0
        for ws, we, ss, se in self.replaced:
            if pos < ws:
                break
            if pos < we:
                return ss
            delta = se - we
        return pos + delta


@dataclass(frozen=True)
class Lexicon:
    entries: tuple[LexiconEntry, ...] = ()

    @cached_property
    def _matcher(self) -> tuple[re.Pattern[str], list[LexiconEntry]] | None:
        """One alternation, longest written form first; group k matches ``entries[k - 1]``."""
        if not self.entries:
            return None
        entries = sorted(self.entries, key=lambda e: -len(e.written))
        return re.compile("|".join(f"({e.pattern()})" for e in entries)), entries

    def covers(self, token: str) -> bool:
        return self._matcher is not None and self._matcher[0].fullmatch(token) is not None

    def speak(self, text: str) -> Spoken:
        if self._matcher is None:
            return Spoken(text, text)
        regex, entries = self._matcher
        out: list[str] = []
        replaced = []
        at = 0
        length = 0
        for m in regex.finditer(text):
            entry = entries[m.lastindex - 1]  # type: ignore[operator]
            before = text[at:m.start()]
            out.append(before)
            length += len(before)
            # "x≥y" must become "x at least y", not "xat leasty".
            say = entry.spoken
            if m.start() > 0 and re.match(r"\w", text[m.start() - 1]):
                say = " " + say
            if m.end() < len(text) and re.match(r"\w", text[m.end()]):
                say += " "
            replaced.append((m.start(), m.end(), length + (say[0] == " "), length + len(say.rstrip())))
            out.append(say)
            length += len(say)
            at = m.end()
        out.append(text[at:])
        return Spoken(text, "".join(out), tuple(replaced))


def find_phrase(text: str, phrase: str) -> list[int]:
    """Offsets where ``phrase`` occurs in ``text`` as whole words, ignoring case and how the
    white space between its words is written."""
    words = phrase.split()
    if not words:
        return []
    p = r"\s+".join(re.escape(w) for w in words)
    if re.match(r"\w", words[0][0]):
        p = r"(?<!\w)" + p
    if re.match(r"\w", words[-1][-1]):
        p += r"(?!\w)"
    return [m.start() for m in re.finditer(p, text, re.IGNORECASE)]


# --- lint: what a voice is likely to misread --------------------------------------------------
_TYPOGRAPHY = set(".,;:!?'\"()-–—’‘“”…")
_ORDINAL = re.compile(r"^\d+(st|nd|rd|th|s)$")


def _strip(token: str) -> str:
    return token.strip(".,;:!?\"'()“”‘’[]")


def misreadings(text: str) -> list[tuple[str, str]]:
    """(token, why) for each token of ``text`` that a voice is likely to read wrongly:
    all-capital words, digits with units, ^ % / and other symbols, letters of other scripts."""
    found: list[tuple[str, str]] = []
    for raw in text.split():
        token = _strip(raw)
        if not token:
            continue
        why = None
        if re.search(r"[\^%/]", token):
            why = "symbol " + " ".join(sorted(set(re.findall(r"[\^%/]", token))))
        elif re.search(r"[A-Z]{2,}", token):
            why = "all-capital word"
        elif re.search(r"\d[^\W\d_]", token) and not _ORDINAL.match(token):
            why = "digits with a unit"
        else:
            odd = [c for c in token if not c.isalnum() and c not in _TYPOGRAPHY]
            foreign = [c for c in token if c.isalpha() and "LATIN" not in unicodedata.name(c, "")]
            if odd or foreign:
                why = "symbol " + " ".join(dict.fromkeys(odd + foreign))
        if why and (token, why) not in found:
            found.append((token, why))
    return found
