"""Audio drives time: integer frame and sample arithmetic that never drifts."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer_anim.quality import QUALITIES, SAMPLE_RATE
from explainer_anim.timeline import (beat_frames, exhibit_timing, frame_to_sample, frames_for_samples,
                                     seconds_to_samples)


def test_frames_round_up() -> None:
    assert frames_for_samples(0, 30) == 0
    assert frames_for_samples(1, 30) == 1
    assert frames_for_samples(1600, 30) == 1  # exactly one frame at 30 fps
    assert frames_for_samples(1601, 30) == 2
    assert frames_for_samples(48_000, 15) == 15


def test_beat_includes_padding_and_hold() -> None:
    lead, tail = seconds_to_samples(0.25), seconds_to_samples(0.5)
    # 2 s of speech + 0.75 s padding + 1 s hold = 3.75 s = 112.5 frames -> 113 at 30 fps
    assert beat_frames(96_000, lead, tail, 48_000, 30) == 113
    assert beat_frames(0, lead, tail, 48_000, 30) == 30  # a silent hold has no padding
    assert beat_frames(0, lead, tail, 0, 30) == 1  # never an empty beat


@pytest.mark.parametrize("quality", sorted(QUALITIES))
def test_fifty_beats_do_not_drift(quality: str) -> None:
    fps = QUALITIES[quality].fps
    speech = [37_123 + 997 * i for i in range(50)]  # lengths that are never whole frames
    t = exhibit_timing("x", 0, speech, [0] * 50, 12_000, 24_000, fps)
    at = 0
    for b, s in zip(t.beats, speech):
        assert b.start_frame == at
        # the beat covers its padded speech, and not one frame more
        assert b.frames == -(-(s + 36_000) * fps // SAMPLE_RATE)
        at += b.frames
    assert t.frames == at
    # the last beat starts exactly where exact rational arithmetic says it does
    exact = sum(Fraction(s + 36_000, SAMPLE_RATE) * fps for s in speech[:-1])
    assert t.beats[-1].start_frame >= exact and t.beats[-1].start_frame - exact < 49


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 10 * SAMPLE_RATE), min_size=1, max_size=60), st.sampled_from([15, 30, 60]))
def test_every_beat_starts_on_a_whole_frame_and_sample(speech: list[int], fps: int) -> None:
    t = exhibit_timing("x", 0, speech, [0] * len(speech), 12_000, 24_000, fps)
    total = 0
    for b, s in zip(t.beats, speech):
        start = frame_to_sample(b.start_frame, fps)
        assert start * fps == b.start_frame * SAMPLE_RATE  # frame times are exact samples
        assert b.speech_offset + s <= frame_to_sample(b.frames, fps)  # speech fits its beat
        total += b.frames
    assert total == t.frames
