"""espeak-ng from Debian: robotic but everywhere; the fallback when Piper cannot run.

Spoken through libespeak-ng (the library the ``espeak-ng`` program wraps, same samples) so that
its word events give every word's exact start sample."""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from functools import lru_cache
from typing import Any

import numpy as np

from ..errors import UserError
from .base import Engine, Utterance, register_engine
from .words import words_from_char_starts

BASE_WPM = 165  # espeak-ng's own default is 175; a little slower reads better for explainers

# From espeak-ng/speak_lib.h.
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_EVENT_LIST_TERMINATED, _EVENT_WORD, _EVENT_SENTENCE = 0, 1, 2
_POS_CHARACTER = 1
_CHARS_UTF8, _ENDPAUSE = 0x1, 0x1000  # ENDPAUSE: the silence the espeak-ng program ends with
_RATE = 1


class _Event(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint), ("text_position", ctypes.c_int),
                ("length", ctypes.c_int), ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                ("user_data", ctypes.c_void_p), ("id", ctypes.c_void_p)]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))
_LOCK = threading.Lock()  # the library has one global voice and callback


@lru_cache(maxsize=1)
def _library() -> tuple[ctypes.CDLL, int]:
    lib = ctypes.CDLL(ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1")
    rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0)
    if rate <= 0:
        raise UserError("libespeak-ng failed to initialise (is espeak-ng-data installed?)")
    return lib, rate


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
        lib, rate = _library()
        chunks: list[np.ndarray] = []
        words: list[tuple[int, int]] = []
        sentences: list[int] = []

        def collect(wav: Any, n: int, events: Any) -> int:
            if n > 0:
                chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
            i = 0
            while events[i].type != _EVENT_LIST_TERMINATED:
                e = events[i]
                if e.type == _EVENT_WORD:
                    # text_position counts characters from 1
                    words.append((e.text_position - 1, e.sample))
                elif e.type == _EVENT_SENTENCE:
                    sentences.append(e.sample)
                i += 1
            return 0

        callback = _CALLBACK(collect)
        data = text.encode("utf-8")
        with _LOCK:
            lib.espeak_SetSynthCallback(callback)
            if lib.espeak_SetVoiceByName(self.voice.encode()) != 0:
                raise UserError(f"espeak-ng has no voice {self.voice!r} (espeak-ng --voices lists them)")
            lib.espeak_SetParameter(_RATE, self.settings()["wpm"], 0)
            status = lib.espeak_Synth(data, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8 | _ENDPAUSE, None, None)
            lib.espeak_Synchronize()
        if status != 0:
            raise UserError(f"espeak-ng failed to speak (status {status}) with voice {self.voice!r}")
        pcm = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
        return Utterance(pcm.astype(np.float32) / 32768.0, rate, tuple(sentences) or (0,),
                         words_from_char_starts(text, words))
