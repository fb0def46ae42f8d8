"""A producer's own voice: WAV, FLAC or MP3 takes instead of synthesis.

With ``voice: {engine: recorded}`` (or ``--voice recorded[:FOLDER]``) every narrated beat must
have a take in FOLDER (default ``assets/narration/<explainer>``); narration finds them there
(see ``recorded.py``). Under any other engine a take that exists still replaces that beat's TTS.
"""

from __future__ import annotations

from typing import Any

from ..errors import UserError
from .base import Engine, Utterance, register_engine


class MissingRecording(UserError):
    """Raised for a beat that has text but no take; narration names the beat and the file."""


@register_engine
class RecordedEngine(Engine):
    name = "recorded"

    @classmethod
    def available(cls) -> str | None:
        return None

    def settings(self) -> dict[str, Any]:
        return {}

    def synthesize(self, text: str) -> Utterance:
        raise MissingRecording(f"no recording for {text[:40]!r}")
