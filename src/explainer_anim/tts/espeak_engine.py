"""espeak-ng from Debian: robotic but everywhere; the fallback when Piper cannot run.

Spoken through libespeak-ng (the library the ``espeak-ng`` program wraps, the same samples) in
a small worker process per text, so that its word events give every word's exact start sample."""

from __future__ import annotations

import ctypes.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import UserError
from .base import Engine, Utterance, register_engine
from .words import words_from_char_starts

BASE_WPM = 165  # espeak-ng's own default is 175; a little slower reads better for explainers
_WORKER = Path(__file__).with_name("espeak_worker.py")


@register_engine
class EspeakEngine(Engine):
    name = "espeak-ng"

    @classmethod
    def available(cls) -> str | None:
        if ctypes.util.find_library("espeak-ng") is None:
            return "the espeak-ng library is not installed (apt-get install espeak-ng)"
        return None

    @classmethod
    def default_voice(cls) -> str:
        return "en-us"

    def settings(self) -> dict[str, Any]:
        return {"wpm": round(BASE_WPM * self.speed)}

    def synthesize(self, text: str) -> Utterance:
        # -I: the worker needs only the standard library, and must not pick up anything else.
        proc = subprocess.run([sys.executable, "-I", str(_WORKER), self.voice, str(self.settings()["wpm"])],
                              input=text.encode("utf-8"), capture_output=True, check=False)
        head, _, pcm = proc.stdout.partition(b"\n")
        if proc.returncode != 0 or not head:
            raise UserError(f"espeak-ng failed: {proc.stderr.decode(errors='replace').strip()[-300:]}")
        info = json.loads(head)
        if info["rate"] <= 0:
            raise UserError("libespeak-ng failed to initialise (is espeak-ng-data installed?)")
        if info["status"] == 1:
            raise UserError(f"espeak-ng has no voice {self.voice!r} (espeak-ng --voices lists them)")
        if info["status"] != 0:
            raise UserError(f"espeak-ng failed to speak (status {info['status']}) with voice {self.voice!r}")
        samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
        return Utterance(samples, info["rate"], tuple(info["sentences"]) or (0,),
                         words_from_char_starts(text, [tuple(w) for w in info["words"]]))
