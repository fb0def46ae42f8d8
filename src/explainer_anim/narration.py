"""Narration is made first: every beat's speech at the pipeline rate, with when each of its
words is spoken, cached by what makes it. The voice speaks the lexicon's spoken forms; a
producer's recorded take, where one exists, replaces the voice for its beat."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .audio import read_wav, resample, write_wav
from .errors import StoryboardError
from .lexicon import find_phrase
from .quality import SAMPLE_RATE
from .recorded import Recordings, load_take
from .storyboard import Beat, Exhibit, Storyboard
from .tts import Engine, MissingRecording, WordTime
from .tts.words import estimate_words, word_index_at

RECORDINGS = Path("narration")  # under the assets folder, then <explainer>/


@dataclass(frozen=True)
class BeatAudio:
    exhibit_id: str
    beat_index: int
    text: str  # as written: what captions show
    samples: np.ndarray  # mono float32 at SAMPLE_RATE; empty for a silent beat
    cache_key: str | None
    spoken: str = ""  # what the voice was given: the text with the lexicon applied
    source: str = ""  # "piper:en_US-joe-medium", or "recorded <file>"
    sentence_starts: tuple[int, ...] = ()  # samples, as the engine split sentences
    words: tuple[WordTime, ...] = ()  # one per word of ``spoken``, in samples
    cues: tuple[tuple[int, str], ...] = ()  # (sample within the speech, step) per cue


@dataclass(frozen=True)
class Speech:
    samples: np.ndarray
    sentence_starts: tuple[int, ...]
    words: tuple[WordTime, ...]
    key: str


def synthesize_beat(engine: Engine, text: str, cache_dir: Path) -> Speech:
    """Speech for ``text`` at SAMPLE_RATE and its word times, from the cache when the same
    inputs made it before."""
    key = engine.cache_key(text)
    wav, timing = cache_dir / f"{key}.wav", cache_dir / f"{key}.json"
    if wav.exists() and timing.exists():
        samples, rate = read_wav(wav)
        if rate == SAMPLE_RATE:
            t = json.loads(timing.read_text())
            return Speech(samples, tuple(t["sentence_starts"]),
                          tuple(WordTime(s, bool(e)) for s, e in t["words"]), key)
    utterance = engine.synthesize(text)
    samples = resample(utterance.samples, utterance.sample_rate)

    def scale(sample: int) -> int:
        return round(sample * SAMPLE_RATE / utterance.sample_rate)

    starts = tuple(scale(s) for s in utterance.sentence_starts)
    if utterance.words is not None:
        words = tuple(WordTime(scale(w.start), w.estimated) for w in utterance.words)
    else:
        words = estimate_words(text, starts, len(samples))
    cache_dir.mkdir(parents=True, exist_ok=True)
    write_wav(wav, samples)
    timing.write_text(json.dumps({"sentence_starts": list(starts), "words": [[w.start, w.estimated] for w in words]}))
    return Speech(samples, starts, words, key)


def recordings_folder(storyboard: Storyboard, engine: Engine, assets: Path) -> Path:
    """``--voice recorded:FOLDER`` names the folder; otherwise assets/narration/<explainer>."""
    if engine.name == "recorded" and engine.voice:
        return Path(engine.voice)
    return assets / RECORDINGS / storyboard.meta.id


def narrate(storyboard: Storyboard, engine: Engine, cache_dir: Path, exhibit_ids: list[str],
            recordings: Recordings,
            on_exhibit: Callable[[str], None] = lambda _id: None,
            warn: Callable[[str], None] = lambda _w: None) -> dict[str, list[BeatAudio]]:
    """Speech for every beat of the named exhibits, in storyboard order."""
    for w in recordings.warnings:
        warn(w)
    out: dict[str, list[BeatAudio]] = {}
    for i, exhibit in enumerate(storyboard.exhibits):
        if exhibit.id not in exhibit_ids:
            continue
        on_exhibit(exhibit.id)
        out[exhibit.id] = [_beat_audio(storyboard, engine, cache_dir, recordings, i, exhibit, j, beat, warn)
                           for j, beat in enumerate(exhibit.beats)]
    return out


def _beat_audio(storyboard: Storyboard, engine: Engine, cache_dir: Path, recordings: Recordings,
                i: int, exhibit: Exhibit, j: int, beat: Beat, warn: Callable[[str], None]) -> BeatAudio:
    path = f"exhibits[{i}].beats[{j}]"
    text = beat.narration.strip()
    spoken = storyboard.lexicon.speak(text)
    take = recordings.take(i, j)
    if take is not None:
        samples, key = load_take(take, cache_dir / "recorded")
        speech = Speech(samples, (), estimate_words(spoken.text, None, len(samples)), key)
        source = f"recorded {take.label()}"
    elif text:
        try:
            speech = synthesize_beat(engine, spoken.text, cache_dir)
        except MissingRecording:
            raise StoryboardError(beat.location, path, "the voice is 'recorded' but this beat has no take: "
                                  f"expected {recordings.expected(exhibit, j)}") from None
        source = f"{engine.name}:{engine.voice}"
    else:
        return BeatAudio(exhibit.id, j, text, np.zeros(0, dtype=np.float32), None)
    cues = []
    for k, cue in enumerate(beat.cues):
        word = speech.words[word_index_at(spoken.text, spoken.to_spoken(find_phrase(text, cue.at)[0]))]
        cues.append((word.start, cue.step))
        if word.estimated:
            warn(f"{cue.location}: {path}.cue[{k}]: warning: {cue.at!r} is timed by an estimate "
                 f"({source} gives no time for that word)")
    return BeatAudio(exhibit.id, j, text, speech.samples, speech.key, spoken.text, source,
                     speech.sentence_starts, speech.words, tuple(cues))
