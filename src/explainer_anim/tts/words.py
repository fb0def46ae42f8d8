"""Where the words and sentences of a spoken text are, and when each word is spoken.

A word is a whitespace-separated token of the text the voice speaks. Engines report one start
sample per word: exact where the engine knows it (Piper alignments, espeak-ng word events,
Festival segments), estimated in proportion to characters where it does not, and marked so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"\S+")
# A sentence ends at . ! ? (and any closing quotes or brackets) followed by white space.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)")


@dataclass(frozen=True)
class WordTime:
    start: int  # sample where the word begins, at its utterance's rate
    estimated: bool = False


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of every word of ``text``."""
    return [(m.start(), m.end()) for m in _WORD.finditer(text)]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of each sentence, white space between them excluded."""
    spans = []
    at = 0
    for m in _SENTENCE_END.finditer(text):
        if text[at:m.end()].strip():
            spans.append((at, m.end()))
        at = m.end()
    if text[at:].strip():
        spans.append((at, len(text)))
    out = []
    for s, e in spans:
        chunk = text[s:e]
        lead = len(chunk) - len(chunk.lstrip())
        out.append((s + lead, s + len(chunk.rstrip())))
    return out


def word_index_at(text: str, char: int) -> int:
    """The word containing (or, in white space, following) character offset ``char``."""
    spans = word_spans(text)
    for i, (_s, e) in enumerate(spans):
        if char < e:
            return i
    return max(0, len(spans) - 1)


def estimate_words(text: str, sentence_starts: tuple[int, ...] | None, total: int) -> tuple[WordTime, ...]:
    """Word starts in proportion to characters within each sentence.

    With ``sentence_starts`` that match the text's sentences, each sentence's first word is
    exact (the engine said where it starts) and the rest are estimated; otherwise (a recording,
    or an engine that split sentences differently) the whole utterance is one estimated span.
    """
    words = word_spans(text)
    if not words:
        return ()
    sentences = sentence_spans(text)
    exact = sentence_starts is not None and len(sentence_starts) == len(sentences)
    if not exact:
        sentences, starts = [(words[0][0], words[-1][1])], (0,)
    else:
        starts = sentence_starts  # type: ignore[assignment]
    ends = [*starts[1:], total]
    out = []
    k = 0
    for ws, _we in words:
        while k + 1 < len(sentences) and ws >= sentences[k + 1][0]:
            k += 1
        s0, s1 = sentences[k]
        frac = (ws - s0) / max(1, s1 - s0)
        start = starts[k] + round(frac * (ends[k] - starts[k]))
        out.append(WordTime(start, estimated=not (exact and ws == s0)))
    return tuple(out)


def words_from_char_starts(text: str, events: list[tuple[int, int]]) -> tuple[WordTime, ...] | None:
    """Word times from an engine's (character offset, sample) word events.

    The first event inside a word times it (an engine may split "365" into three spoken
    words); a word no event falls in ("a" fused with "for", a lone dash) is placed between its
    timed neighbours in proportion to characters, estimated. None when no word was timed."""
    spans = word_spans(text)
    found: list[int | None] = [None] * len(spans)
    for char, sample in sorted(events):
        i = word_index_at(text, char)
        if found[i] is None:
            found[i] = sample
    timed = [i for i, f in enumerate(found) if f is not None]
    if not timed:
        return None
    out: list[WordTime] = []
    for i, f in enumerate(found):
        if f is not None:
            out.append(WordTime(f))
            continue
        before = max((t for t in timed if t < i), default=None)
        after = min((t for t in timed if t > i), default=None)
        if before is None or after is None:
            out.append(WordTime(found[after if before is None else before], estimated=True))  # type: ignore[arg-type]
            continue
        c0, c1 = spans[before][0], spans[after][0]
        s0, s1 = found[before], found[after]
        out.append(WordTime(s0 + round((s1 - s0) * (spans[i][0] - c0) / (c1 - c0)), estimated=True))  # type: ignore[operator]
    return tuple(out)
