"""``narrate``: the narration alone, in seconds rather than minutes. One audio-only preview of
the whole video, timed exactly as ``render`` would time it, and a table of when each beat
starts, how long it lasts and how fast it is spoken; no frame is rendered.
``narrate --lint`` instead lists the words a voice will likely misread."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from .audio import write_wav
from .lexicon import misreadings
from .loudness import normalize
from .media import audio_only_args, run_ffmpeg
from .outputs import OutputLayout, staging
from .pipeline import RenderRequest, RenderResult, Run, narrate_stage, narration_track
from .progress import Progress
from .project import open_storyboard
from .quality import SAMPLE_RATE
from .storyboard import Storyboard

PREVIEW = "narration-preview.m4a"
TIMING_TABLE = "narration-timing.csv"
_COLUMNS = ("exhibit", "beat", "start", "duration", "words", "wpm", "source")


@dataclass(frozen=True)
class TimingRow:
    exhibit: str
    beat: str  # number from 1, and the beat's id if it has one
    start: float  # seconds into the video
    duration: float  # seconds, padding and hold included
    words: int
    wpm: float | None  # words per minute of speech alone; None for a silent beat
    source: str  # the engine and voice, or the recorded take

    def cells(self) -> list[str]:
        return [self.exhibit, self.beat, f"{self.start:.3f}", f"{self.duration:.3f}", str(self.words),
                "" if self.wpm is None else f"{self.wpm:.0f}", self.source]


@dataclass
class DraftResult:
    preview: Path
    table: Path
    rows: list[TimingRow]
    duration_seconds: float
    warnings: list[str] = field(default_factory=list)


def timing_rows(run: Run) -> list[TimingRow]:
    fps = run.quality.fps
    rows = []
    for exhibit in run.exhibits:
        t = run.timings[exhibit.id]
        for beat, audio, timing in zip(exhibit.beats, run.audio[exhibit.id], t.beats, strict=True):
            words = len(audio.text.split())
            speech = timing.speech_samples / SAMPLE_RATE
            rows.append(TimingRow(exhibit.id, f"{timing.index + 1}" + (f" ({beat.id})" if beat.id else ""),
                                  (t.start_frame + timing.start_frame) / fps, timing.frames / fps, words,
                                  words * 60 / speech if speech and words else None, audio.source))
    return rows


def table_text(rows: list[TimingRow]) -> str:
    """The rows as aligned columns, for a terminal."""
    cells = [list(_COLUMNS)] + [r.cells() for r in rows]
    widths = [max(len(c[k]) for c in cells) for k in range(len(_COLUMNS))]
    return "\n".join("  ".join(c[k].ljust(widths[k]) for k in range(len(_COLUMNS))).rstrip() for c in cells)


def draft(request: RenderRequest, progress: Progress | None = None) -> DraftResult:
    """Narrate ``request``'s storyboard and publish the preview and the timing table."""
    # Not pipeline.start: quotes and fonts do not sound, so a draft is not refused for them.
    storyboard = open_storyboard(request.storyboard)
    exhibits = list(storyboard.exhibits)
    run = Run(request, storyboard, exhibits, OutputLayout(request.out_root, storyboard.meta.id, request.quality.name),
              progress or Progress(len(exhibits)), RenderResult(master=None, warnings=list(storyboard.warnings)))
    for w in storyboard.warnings:
        run.progress.note(w)
    narrate_stage(run)
    rows = timing_rows(run)
    folder = run.layout.folder
    with staging(folder) as stage:
        track = narration_track(run.audio, run.timings, run.quality.fps, run.exhibits)
        # One normalization and one encode: a draft to listen to need not be re-measured after
        # encoding as the published master is (that loop is most of a render's audio time).
        wav = stage.dir / "narration.wav"
        write_wav(wav, normalize(track, run.storyboard.audio.loudness, run.storyboard.audio.true_peak))
        run_ffmpeg(audio_only_args(wav, stage.path_for(folder / PREVIEW), run.metadata()), "encode the narration preview")
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(_COLUMNS)
        writer.writerows(r.cells() for r in rows)
        stage.path_for(folder / TIMING_TABLE).write_text(out.getvalue(), encoding="utf-8")
    return DraftResult(folder / PREVIEW, folder / TIMING_TABLE, rows, len(track) / SAMPLE_RATE, run.result.warnings)


def lint(storyboard: Storyboard) -> list[str]:
    """``file:line:col: exhibits[i].beats[j].narration: 'token': why`` for every word the voice
    is likely to misread and the lexicon does not say how to speak."""
    lines = []
    for i, exhibit in enumerate(storyboard.exhibits):
        for j, beat in enumerate(exhibit.beats):
            for token, why in misreadings(storyboard.lexicon.speak(beat.narration).text):
                lines.append(f"{beat.location}: exhibits[{i}].beats[{j}].narration: {token!r}: {why}, "
                             "not in the lexicon")
    return lines
