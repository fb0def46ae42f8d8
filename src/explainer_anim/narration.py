"""Narration is made first: every beat's speech, at the pipeline rate, cached by what makes it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .audio import fade_edges, read_wav, resample, write_wav
from .quality import SAMPLE_RATE
from .storyboard import Storyboard
from .tts import Engine


@dataclass(frozen=True)
class BeatAudio:
    exhibit_id: str
    beat_index: int
    text: str
    samples: np.ndarray  # mono float32 at SAMPLE_RATE; empty for a silent beat
    cache_key: str | None


def synthesize_beat(engine: Engine, text: str, cache_dir: Path) -> tuple[np.ndarray, str]:
    """Speech for ``text`` at SAMPLE_RATE, from the cache when the same inputs made it before."""
    key = engine.cache_key(text)
    path = cache_dir / f"{key}.wav"
    if path.exists():
        samples, rate = read_wav(path)
        if rate == SAMPLE_RATE:
            return samples, key
    utterance = engine.synthesize(text)
    samples = fade_edges(resample(utterance.samples, utterance.sample_rate))
    cache_dir.mkdir(parents=True, exist_ok=True)
    write_wav(path, samples)
    return samples, key


def narrate(storyboard: Storyboard, engine: Engine, cache_dir: Path, exhibit_ids: list[str],
            on_exhibit: Callable[[str], None] = lambda _id: None) -> dict[str, list[BeatAudio]]:
    """Speech for every beat of the named exhibits, in storyboard order."""
    out: dict[str, list[BeatAudio]] = {}
    for exhibit in storyboard.exhibits:
        if exhibit.id not in exhibit_ids:
            continue
        on_exhibit(exhibit.id)
        beats = []
        for i, beat in enumerate(exhibit.beats):
            text = beat.narration.strip()
            if text:
                samples, key = synthesize_beat(engine, text, cache_dir)
            else:
                samples, key = np.zeros(0, dtype=np.float32), None
            beats.append(BeatAudio(exhibit.id, i, text, samples, key))
        out[exhibit.id] = beats
    return out
