"""One interface for every voice. Each engine is a small adapter; the cache key is exactly the
inputs that change its audio (text, engine, voice, settings), so a cached beat is reused only
when it would sound the same."""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..errors import UserError
from .words import WordTime


@dataclass(frozen=True)
class Utterance:
    """Mono float32 audio in [-1, 1] at ``sample_rate``, with where each sentence starts and,
    when the engine knows, where each word of the text starts (None: it does not)."""

    samples: np.ndarray
    sample_rate: int
    sentence_starts: tuple[int, ...] = (0,)
    words: tuple[WordTime, ...] | None = None


class Engine(ABC):
    """A text-to-speech engine with one voice and fixed settings."""

    name: ClassVar[str]

    def __init__(self, voice: str, speed: float) -> None:
        self.voice = voice or self.default_voice()
        self.speed = speed

    @classmethod
    @abstractmethod
    def available(cls) -> str | None:
        """None when the engine can run on this machine, else why not."""

    @classmethod
    def default_voice(cls) -> str:
        return ""

    @abstractmethod
    def settings(self) -> dict[str, Any]:
        """Every setting besides text and voice that changes the samples."""

    @abstractmethod
    def synthesize(self, text: str) -> Utterance:
        """Speak ``text``. Same text, same settings: same samples."""

    def cache_key(self, text: str) -> str:
        payload = {"engine": self.name, "voice": self.voice, "settings": self.settings(), "text": text}
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()


_ENGINES: dict[str, type[Engine]] = {}


def register_engine(cls: type[Engine]) -> type[Engine]:
    """Class decorator: make ``cls`` selectable by its ``name`` in storyboards and --voice."""
    _ENGINES[cls.name] = cls
    return cls


def engine_names() -> list[str]:
    return sorted(_ENGINES)


def make_engine(engine: str, voice: str, speed: float, fallback: str | None = "espeak-ng") -> tuple[Engine, str | None]:
    """The engine asked for, or the fallback when it cannot run here; plus a warning if so."""
    cls = _ENGINES.get(engine)
    if cls is None:
        raise UserError(f"unknown voice engine {engine!r}; choose one of {', '.join(engine_names())}")
    why = cls.available()
    if why is None:
        return cls(voice, speed), None
    if fallback and fallback != engine and _ENGINES[fallback].available() is None:
        return _ENGINES[fallback]("", speed), f"voice engine {engine!r} unavailable ({why}); using {fallback!r}"
    raise UserError(f"voice engine {engine!r} unavailable: {why}")
