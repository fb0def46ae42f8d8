"""espeak-ng from Debian: robotic but everywhere; the fallback when Piper cannot run."""

from __future__ import annotations

import io
import shutil
import subprocess
import wave
from typing import Any

import numpy as np

from ..errors import UserError
from .base import Engine, Utterance, register_engine

BASE_WPM = 165  # espeak-ng's own default is 175; a little slower reads better for explainers


@register_engine
class EspeakEngine(Engine):
    name = "espeak-ng"

    @classmethod
    def available(cls) -> str | None:
        return None if shutil.which("espeak-ng") else "the espeak-ng program is not installed (apt-get install espeak-ng)"

    @classmethod
    def default_voice(cls) -> str:
        return "en-us"

    def settings(self) -> dict[str, Any]:
        return {"wpm": round(BASE_WPM * self.speed)}

    def synthesize(self, text: str) -> Utterance:
        proc = subprocess.run(
            ["espeak-ng", "-v", self.voice, "-s", str(self.settings()["wpm"]), "--stdout", text],
            capture_output=True, check=False,
        )
        if proc.returncode != 0:
            raise UserError(f"espeak-ng failed for voice {self.voice!r}: {proc.stderr.decode(errors='replace').strip()}")
        with wave.open(io.BytesIO(proc.stdout)) as w:
            rate = w.getframerate()
            frames = w.readframes(w.getnframes())
        samples = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
        return Utterance(samples, rate)
