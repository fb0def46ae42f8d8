"""Captions from the storyboard's written narration, timed by the narration that was spoken.

Times stay integer samples (SAMPLE_RATE) until a cue is formatted. A beat's text is cut into
cues of at most two lines of LINE_CHARS at phrase boundaries (sentence ends, then clause
punctuation, then conjunctions, never inside a word); each cue lasts MIN_SECONDS to
MAX_SECONDS, none overlaps another or runs past the end of the video.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .outputs import Staging
from .quality import SAMPLE_RATE
from .storyboard import Exhibit
from .timeline import frame_to_sample, seconds_to_samples
from .tts.words import WordTime, sentence_spans

if TYPE_CHECKING:
    from .pipeline import Run

LINE_CHARS = 42  # and at most two lines a cue
MIN_SECONDS = 1.0
MAX_SECONDS = 7.0

# What ending a cue between two words costs, by what stands there: cheaper is a better place.
SENTENCE, CLAUSE, CONJUNCTION, WORD, BOUND = 0, 1, 2, 6, 8  # BOUND: after "a", "of", "the"...
# A line break inside a cue interrupts less than a new cue, so it may go where a cue may not.
LINE_BREAK_COST = {SENTENCE: 0, CLAUSE: 0, CONJUNCTION: 1, WORD: 2, BOUND: 3}
CUE_COST = 3  # fewer, fuller cues read better than many short ones
STRADDLE_COST = 3  # per sentence end inside a cue: the eye looks for a new sentence on a new cue
SHORT_CUE_COST = 10  # a cue under MIN_SECONDS, only when nothing else fits
CONJUNCTIONS = frozenset(
    "and but or nor so yet because although though while whereas whether if unless until when where "
    "which who whom whose that instead".split())
# Words that lean on the next one: a line or cue ending with them leaves a phrase hanging.
BINDING = frozenset("a an the of to in on at by for with from into its their his her our my your this these "
                    "those is are was were be".split())
_ABBREVIATIONS = frozenset("e.g. i.e. et al. vs. fig. eq. sec. cf. dr. mr. ms. no. approx.".split())
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_CLAUSE_END = re.compile(r"[,;:—–][\"'”’)\]]*$")
_DASH = frozenset("- – —".split())


@dataclass(frozen=True)
class Cue:
    """One caption: ``lines`` shown from sample ``start`` to sample ``end`` of its video."""

    start: int
    end: int
    lines: tuple[str, ...]
    exhibit_id: str
    beat_index: int

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class _Word:
    text: str
    start: int  # character offsets in the beat's text
    end: int


def _cut_cost(before: _Word, after: _Word | None) -> int:
    """The cost of ending a cue (or a line) after ``before``."""
    if after is None:
        return SENTENCE
    if _SENTENCE_END.search(before.text) and before.text.lower() not in _ABBREVIATIONS:
        return SENTENCE
    if _CLAUSE_END.search(before.text) or after.text in _DASH or before.text in _DASH:
        return CLAUSE
    if after.text.lower().strip("\"'“‘(") in CONJUNCTIONS:
        return CONJUNCTION
    return BOUND if before.text.lower() in BINDING else WORD


def _wrap(words: Sequence[_Word], text: str) -> tuple[tuple[str, ...], float] | None:
    """``words`` as one line, or two with the best break, and that break's cost; None if they
    do not fit. A single word longer than a line is kept whole (words are never cut)."""
    whole = text[words[0].start:words[-1].end]
    if len(whole) <= LINE_CHARS or len(words) == 1:
        return (whole,), 0
    best: tuple[tuple[str, ...], float] | None = None
    for k in range(1, len(words)):
        top, bottom = text[words[0].start:words[k - 1].end], text[words[k].start:words[-1].end]
        if len(top) > LINE_CHARS or len(bottom) > LINE_CHARS:
            continue
        # Phrase boundaries first; then balanced lines, which are quicker to read than a long and a stub.
        cost = LINE_BREAK_COST[_cut_cost(words[k - 1], words[k])] + abs(len(top) - len(bottom)) / LINE_CHARS
        if best is None or cost < best[1]:
            best = (top, bottom), cost
    return best


def _words(text: str) -> list[_Word]:
    return [_Word(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", text)]


def spoken_anchors(text: str, spoken: str, words: Sequence[WordTime] = (),
                   sentence_starts: Sequence[int] = ()) -> list[tuple[int, int]]:
    """(character of ``text``, sample) pairs where the voice is known to be.

    ``words`` time the words of ``spoken`` (the text with the lexicon applied, so "LLMs" may
    be "L L Ms"): each written word that the alignment matches to a spoken one takes its time.
    Without word times, each sentence's start, when the written text has the engine's sentences."""
    written = _words(text)
    if words and len(words) == len(said := spoken.split()):
        matcher = difflib.SequenceMatcher(None, [w.text.lower() for w in written], [w.lower() for w in said],
                                          autojunk=False)
        return [(written[i + k].start, words[j + k].start)
                for i, j, n in matcher.get_matching_blocks() for k in range(n)]
    spans = sentence_spans(text)
    if sentence_starts and len(sentence_starts) == len(spans):
        return [(c, t) for (c, _), t in zip(spans, sentence_starts)]
    return []


def _clock(anchors: Sequence[tuple[int, int]], length: int, speech: int) -> Callable[[int], int]:
    """Character offset -> sample, linear between the known anchors (those in order and inside
    the speech; any other is an engine's slip) and the two ends."""
    points = [(0, 0)]
    for c, t in sorted(anchors):
        if points[-1][0] < c < length and points[-1][1] <= t <= speech:
            points.append((c, t))
    points.append((length, speech))
    chars = [c for c, _ in points]

    def at(c: int) -> int:
        k = min(max(1, bisect.bisect_left(chars, c)), len(points) - 1)
        (c0, s0), (c1, s1) = points[k - 1], points[k]
        return s0 + (c - c0) * (s1 - s0) // max(1, c1 - c0)
    return at


def beat_chunks(text: str, speech: int, anchors: Sequence[tuple[int, int]] = ()
                ) -> list[tuple[int, int, tuple[str, ...]]]:
    """A beat's ``text`` as (start, end, lines) in samples from its first spoken sample; the
    chunks tile [0, speech). Chosen by least total cost over every way of cutting the text.
    ``anchors`` (see ``spoken_anchors``) say when some characters are spoken; time between
    them is shared in proportion to characters."""
    words = _words(text)
    if not words:
        return []
    at = _clock(anchors, len(text), speech)
    n = len(words)

    def bounds(a: int, b: int) -> tuple[int, int]:
        return at(words[a].start), (at(words[b].start) if b < n else speech)

    min_len, max_len = seconds_to_samples(MIN_SECONDS), seconds_to_samples(MAX_SECONDS)

    @lru_cache(maxsize=None)
    def best(a: int) -> tuple[float, tuple[tuple[int, tuple[str, ...]], ...]]:
        """Least cost and cuts (end word, lines) for words[a:]."""
        if a == n:
            return 0, ()
        found: tuple[float, tuple[tuple[int, tuple[str, ...]], ...]] | None = None
        straddles = 0
        for b in range(a + 1, n + 1):
            wrapped = _wrap(words[a:b], text)
            if wrapped is None:
                break  # longer chunks will not fit either
            s, e = bounds(a, b)
            if e - s > max_len and b > a + 1:
                break
            lines, wrap_cost = wrapped
            if b - 1 > a and _cut_cost(words[b - 2], words[b - 1]) == SENTENCE:
                straddles += 1
            cost = (CUE_COST + wrap_cost + STRADDLE_COST * straddles
                    + _cut_cost(words[b - 1], words[b] if b < n else None))
            if e - s < min_len:
                cost += SHORT_CUE_COST
            rest_cost, rest = best(b)
            if found is None or cost + rest_cost < found[0]:
                found = cost + rest_cost, ((b, lines), *rest)
        assert found is not None  # a single word always fits
        return found

    chunks, a = [], 0
    for b, lines in best(0)[1]:
        s, e = bounds(a, b)
        chunks.append((s, e, lines))
        a = b
    return chunks


def build_cues(run: Run, exhibits: Sequence[Exhibit], start_frame: int = 0) -> list[Cue]:
    """Cues for every narrated beat of ``exhibits``, timed in samples from ``start_frame`` (0
    for the whole video, an exhibit's first frame for its clip)."""
    fps = run.quality.fps
    cues: list[Cue] = []
    end_frame = start_frame
    for exhibit in exhibits:
        t = run.timings[exhibit.id]
        end_frame = max(end_frame, t.start_frame + t.frames)
        for beat, timing, spoken in zip(exhibit.beats, t.beats, run.audio[exhibit.id], strict=True):
            text = " ".join(beat.narration.split())
            if not timing.speech_samples or not text:
                continue
            at = frame_to_sample(t.start_frame - start_frame + timing.start_frame, fps) + timing.speech_offset
            anchors = spoken_anchors(text, spoken.spoken or text, spoken.words, spoken.sentence_starts)
            for s, e, lines in beat_chunks(text, timing.speech_samples, anchors):
                cues.append(Cue(at + s, at + e, lines, exhibit.id, timing.index))
    return _fit(sorted(cues, key=lambda c: c.start), frame_to_sample(end_frame - start_frame, fps))


def _fit(cues: list[Cue], video_end: int) -> list[Cue]:
    """Stretch short cues into the silence after (else before) them, cap long ones, and keep
    every cue inside the video and clear of its neighbours."""
    min_len, max_len = seconds_to_samples(MIN_SECONDS), seconds_to_samples(MAX_SECONDS)
    out: list[Cue] = []
    for i, c in enumerate(cues):
        floor = out[-1].end if out else 0
        ceiling = cues[i + 1].start if i + 1 < len(cues) else video_end
        start, end = max(c.start, floor), min(c.end, ceiling)
        if end - start < min_len:
            end = min(ceiling, start + min_len)
        if end - start < min_len:
            start = max(floor, end - min_len)
        end = min(end, start + max_len)
        out.append(Cue(start, end, c.lines, c.exhibit_id, c.beat_index))
    return out


def _ms(samples: int) -> int:
    # Floor, so that a cue never ends after the sample it should and touching cues still touch.
    return samples * 1000 // SAMPLE_RATE


def _stamp(samples: int, separator: str) -> str:
    ms = _ms(samples)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}{separator}{ms % 1000:03d}"


def to_srt(cues: Sequence[Cue]) -> str:
    return "".join(f"{n}\n{_stamp(c.start, ',')} --> {_stamp(c.end, ',')}\n{c.text}\n\n"
                   for n, c in enumerate(cues, 1))


def _vtt_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(cues: Sequence[Cue]) -> str:
    return "WEBVTT\n\n" + "".join(f"{_stamp(c.start, '.')} --> {_stamp(c.end, '.')}\n{_vtt_text(c.text)}\n\n"
                                  for c in cues)


def write_captions(cues: Sequence[Cue], srt: Path | None = None, vtt: Path | None = None) -> None:
    """UTF-8 without a byte-order mark, LF line ends."""
    if srt is not None:
        srt.write_text(to_srt(cues), encoding="utf-8", newline="\n")
    if vtt is not None:
        vtt.write_text(to_vtt(cues), encoding="utf-8", newline="\n")


def stage_captions(stage: Staging, cues: Sequence[Cue], vtt: Path, srt: Path | None = None) -> Path | None:
    """Stage ``cues`` to be published as ``vtt`` (and ``srt`` when given) and return an SRT file
    to mux as the MP4's caption track; None when there is nothing to caption (ffmpeg refuses
    an empty SRT)."""
    staged_srt = stage.path_for(srt) if srt is not None else stage.dir / f"{vtt.stem}.captions.srt"
    write_captions(cues, srt=staged_srt, vtt=stage.path_for(vtt))
    return staged_srt if cues else None
