"""Audio drives time: each beat lasts its narration plus padding, rounded up to whole frames.

All arithmetic is in integers (samples at SAMPLE_RATE, frames at the quality's fps), so a
storyboard of any length places every beat on the exact frame and sample it should: summing
float seconds would drift.
"""

from __future__ import annotations

from dataclasses import dataclass

from .quality import SAMPLE_RATE


def seconds_to_samples(seconds: float, sample_rate: int = SAMPLE_RATE) -> int:
    """The one place where a duration in seconds becomes samples (nearest sample)."""
    return round(seconds * sample_rate)


def frames_for_samples(samples: int, fps: int, sample_rate: int = SAMPLE_RATE) -> int:
    """Whole frames needed to cover ``samples`` (rounded up)."""
    return -(-samples * fps // sample_rate)


def frame_to_sample(frame: int, fps: int, sample_rate: int = SAMPLE_RATE) -> int:
    """First sample of ``frame``; exact because fps divides the sample rate."""
    return frame * sample_rate // fps


@dataclass(frozen=True)
class CueTiming:
    frame: int  # within its beat: the frame on screen when the cue's word starts
    step: str


@dataclass(frozen=True)
class BeatTiming:
    index: int
    start_frame: int  # within its exhibit
    frames: int
    speech_offset: int  # samples from the beat's start to its first spoken sample
    speech_samples: int
    cues: tuple[CueTiming, ...] = ()  # in frame order


@dataclass(frozen=True)
class ExhibitTiming:
    exhibit_id: str
    start_frame: int  # within the whole video
    beats: tuple[BeatTiming, ...]

    @property
    def frames(self) -> int:
        return sum(b.frames for b in self.beats)


def beat_frames(speech_samples: int, lead_samples: int, tail_samples: int, hold_samples: int,
                fps: int, sample_rate: int = SAMPLE_RATE) -> int:
    """Frames of one beat: lead-in, narration, tail and hold, at least one frame."""
    padding = lead_samples + tail_samples if speech_samples else 0
    return max(1, frames_for_samples(speech_samples + padding + hold_samples, fps, sample_rate))


def exhibit_timing(exhibit_id: str, start_frame: int, speech: list[int], holds: list[int],
                   lead_samples: int, tail_samples: int, fps: int,
                   cues: list[tuple[tuple[int, str], ...]] | None = None) -> ExhibitTiming:
    """Lay out one exhibit's beats back to back from ``start_frame``. ``cues`` gives, per beat,
    (sample within its speech, step) pairs; each becomes the frame showing that sample."""
    beats = []
    at = 0
    for i, (samples, hold) in enumerate(zip(speech, holds, strict=True)):
        n = beat_frames(samples, lead_samples, tail_samples, hold, fps)
        offset = lead_samples if samples else 0
        timed = sorted((CueTiming(min(n - 1, (offset + s) * fps // SAMPLE_RATE), step)
                        for s, step in (cues[i] if cues else ())), key=lambda c: c.frame)
        beats.append(BeatTiming(i, at, n, offset, samples, tuple(timed)))
        at += n
    return ExhibitTiming(exhibit_id, start_frame, tuple(beats))
