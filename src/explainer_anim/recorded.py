"""A producer's recorded voice-over, dropped in beside the storyboard.

In the recordings folder (default ``assets/narration/<explainer>/``):

* ``<exhibit>/<n>.wav|.flac|.mp3``, n the beat's number from 1, or ``<exhibit>/<id>.<ext>``
  for a beat with an ``id:``: that beat's take;
* ``voiceover.<ext>`` with ``voiceover.cues.csv`` (columns ``exhibit,beat,start,end``; times in
  seconds or ``[h:]m:ss.sss``): one long take, cut per beat. A beat's own file wins over its row.

Every file is decoded once, explicitly: ffmpeg to a 32-bit float WAV at the file's own rate
and channels, channels averaged, then resampled to SAMPLE_RATE by the exact rational ratio;
the result is cached under the hash of the file's bytes, so a changed take is decoded again.
"""

from __future__ import annotations

import csv
import hashlib
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .audio import read_wav, resample, write_wav
from .errors import Location, StoryboardError, UserError
from .media import decode_audio_args, run_ffmpeg
from .quality import SAMPLE_RATE
from .storyboard import Exhibit, Storyboard
from .timeline import seconds_to_samples

EXTENSIONS = (".wav", ".flac", ".mp3")
LONG_TAKE = "voiceover"
CUE_LIST = f"{LONG_TAKE}.cues.csv"
_COLUMNS = ("exhibit", "beat", "start", "end")
_TIME = re.compile(r"^(?:(?:(\d+):)?(\d{1,2}):)?(\d+(?:\.\d+)?)$")


@dataclass(frozen=True)
class Take:
    path: Path
    start: int | None = None  # a slice of a long take, in samples at SAMPLE_RATE
    end: int | None = None
    row: Location | None = None  # the cue-list row that cut it

    def label(self) -> str:
        if self.start is None or self.end is None:
            return str(self.path)
        return f"{self.path} [{self.start / SAMPLE_RATE:.3f}s–{self.end / SAMPLE_RATE:.3f}s]"


def beat_names(exhibit: Exhibit) -> dict[str, int]:
    """File stems that name each beat: its number from 1, and its id if it has one."""
    names = {str(j + 1): j for j in range(len(exhibit.beats))}
    names.update({b.id: j for j, b in enumerate(exhibit.beats) if b.id})
    return names


class Recordings:
    """The takes found in ``folder`` for ``storyboard``'s beats, keyed (exhibit index, beat index)."""

    def __init__(self, storyboard: Storyboard, folder: Path) -> None:
        self.folder = folder
        self.takes: dict[tuple[int, int], Take] = {}
        self.warnings: list[str] = []
        if not folder.is_dir():
            return
        self._cue_list(storyboard)  # first, so that a beat's own file replaces its row
        self._beat_files(storyboard)

    def take(self, exhibit_index: int, beat_index: int) -> Take | None:
        return self.takes.get((exhibit_index, beat_index))

    def expected(self, exhibit: Exhibit, beat_index: int) -> str:
        beat = exhibit.beats[beat_index]
        stems = [str(beat_index + 1)] + ([beat.id] if beat.id else [])
        return " or ".join(str(self.folder / exhibit.id / f"{s}.wav|flac|mp3") for s in stems)

    def _beat_files(self, storyboard: Storyboard) -> None:
        index = {e.id: i for i, e in enumerate(storyboard.exhibits)}
        for sub in sorted(p for p in self.folder.iterdir() if p.is_dir()):
            if sub.name not in index:
                self.warnings.append(f"{sub}: warning: no exhibit {sub.name!r} in {storyboard.path}; its takes are unused")
                continue
            i = index[sub.name]
            names = beat_names(storyboard.exhibits[i])
            found: dict[int, Path] = {}
            for f in sorted(sub.iterdir()):
                if f.suffix.lower() not in EXTENSIONS or f.name.startswith("."):
                    continue
                if f.stem not in names:
                    known = ", ".join(names)
                    self.warnings.append(f"{f}: warning: names no beat of {sub.name} (beats: {known}); unused")
                    continue
                j = names[f.stem]
                if j in found:
                    raise UserError(f"{f}: beat {j + 1} of {sub.name} already has the take {found[j]}; keep one")
                found[j] = f
                self.takes[(i, j)] = Take(f)

    def _cue_list(self, storyboard: Storyboard) -> None:
        cues = self.folder / CUE_LIST
        if not cues.exists():
            return
        longs = [p for p in (self.folder / f"{LONG_TAKE}{ext}" for ext in EXTENSIONS) if p.exists()]
        if len(longs) != 1:
            what = "no" if not longs else "more than one"
            raise StoryboardError(Location(cues, 1, 1), "", f"{what} {LONG_TAKE}.wav|flac|mp3 beside it; keep exactly one")
        index = {e.id: i for i, e in enumerate(storyboard.exhibits)}
        lines = cues.read_text(encoding="utf-8-sig").splitlines()
        rows = list(csv.reader(lines))
        header = [h.strip().lower() for h in rows[0]] if rows else []
        if not rows or any(c not in header for c in _COLUMNS):
            raise StoryboardError(Location(cues, 1, 1), "header", f"must name the columns {','.join(_COLUMNS)}")
        col = {c: header.index(c) for c in _COLUMNS}
        seen: dict[tuple[int, int], int] = {}
        for n, row in enumerate(rows[1:], start=2):
            if not any(cell.strip() for cell in row):
                continue

            def at(c: str, row: list[str] = row, n: int = n) -> Location:
                k = col[c]
                return Location(cues, n, 1 + sum(len(x) + 1 for x in row[:k]))

            if len(row) < len(header):
                raise StoryboardError(Location(cues, n, 1), "", f"needs {len(header)} columns, has {len(row)}")
            exhibit_id, beat = row[col["exhibit"]].strip(), row[col["beat"]].strip()
            if exhibit_id not in index:
                raise StoryboardError(at("exhibit"), "exhibit", f"no exhibit {exhibit_id!r} (exhibits: {', '.join(index)})")
            i = index[exhibit_id]
            names = beat_names(storyboard.exhibits[i])
            if beat not in names:
                raise StoryboardError(at("beat"), "beat", f"exhibit {exhibit_id} has no beat {beat!r} (beats: {', '.join(names)})")
            j = names[beat]
            if (i, j) in seen:
                raise StoryboardError(at("beat"), "beat", f"beat {beat} of {exhibit_id} is already cut at line {seen[(i, j)]}")
            seen[(i, j)] = n
            start, end = (_seconds(row[col[c]].strip(), at(c), c) for c in ("start", "end"))
            if end <= start:
                raise StoryboardError(at("end"), "end", f"must be after start ({row[col['start']].strip()})")
            self.takes[(i, j)] = Take(longs[0], seconds_to_samples(start), seconds_to_samples(end), at("end"))


def _seconds(text: str, where: Location, column: str) -> float:
    m = _TIME.match(text)
    if not m:
        raise StoryboardError(where, column, f"{text!r} is not a time (seconds such as 12.5, or m:ss.sss)")
    h, mnt, s = m.groups()
    return int(h or 0) * 3600 + int(mnt or 0) * 60 + float(s)


def decode(path: Path, cache_dir: Path) -> tuple[np.ndarray, str]:
    """``path`` as mono float32 at SAMPLE_RATE, and the hash of its bytes (decoded once)."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    cached = cache_dir / f"{digest}.wav"
    if cached.exists():
        samples, rate = read_wav(cached)
        if rate == SAMPLE_RATE:
            return samples, digest
    with tempfile.TemporaryDirectory(prefix="explainer-take-") as tmp:
        wav = Path(tmp) / "take.wav"
        run_ffmpeg(decode_audio_args(path, wav), f"decode the recording {path}")
        data, rate = read_wav(wav)
    samples = resample(data, rate)
    cache_dir.mkdir(parents=True, exist_ok=True)
    write_wav(cached, samples)
    return samples, digest


def load_take(take: Take, cache_dir: Path) -> tuple[np.ndarray, str]:
    """A take's samples (for a long take, its slice) and its cache key."""
    samples, digest = decode(take.path, cache_dir)
    if take.start is None or take.end is None:
        return samples, digest
    if take.end > len(samples):
        raise StoryboardError(take.row, "end", f"{take.end / SAMPLE_RATE:.3f}s is past the end of {take.path} "
                              f"({len(samples) / SAMPLE_RATE:.3f}s)")
    return samples[take.start:take.end], f"{digest}[{take.start}:{take.end}]"
