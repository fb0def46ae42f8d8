"""Speaks one text with libespeak-ng and writes what it made to stdout: a JSON line (rate,
status, word and sentence events) then the 16-bit samples.

Run as a fresh process per text (standard library only, so it starts in milliseconds): the
library keeps state from one text to the next (its pitch flutter runs on), so only a new process
gives the same samples for the same text, as the espeak-ng program does.

Usage: python espeak_worker.py VOICE WPM  (the text on stdin, UTF-8)
"""

import ctypes
import ctypes.util
import json
import sys

# From espeak-ng/speak_lib.h.
AUDIO_OUTPUT_SYNCHRONOUS = 2
EVENT_LIST_TERMINATED, EVENT_WORD, EVENT_SENTENCE = 0, 1, 2
POS_CHARACTER = 1
CHARS_UTF8, ENDPAUSE = 0x1, 0x1000  # ENDPAUSE: the silence the espeak-ng program ends with
RATE = 1


class Event(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint), ("text_position", ctypes.c_int),
                ("length", ctypes.c_int), ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                ("user_data", ctypes.c_void_p), ("id", ctypes.c_void_p)]


CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(Event))


def main() -> int:
    voice, wpm = sys.argv[1], int(sys.argv[2])
    text = sys.stdin.buffer.read()
    lib = ctypes.CDLL(ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1")
    rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0)
    pcm = bytearray()
    words, sentences = [], []

    def collect(wav, n, events):  # type: ignore[no-untyped-def]
        if n > 0:
            pcm.extend(ctypes.string_at(wav, 2 * n))
        i = 0
        while events[i].type != EVENT_LIST_TERMINATED:
            e = events[i]
            if e.type == EVENT_WORD:
                words.append((e.text_position - 1, e.sample))  # text_position counts characters from 1
            elif e.type == EVENT_SENTENCE:
                sentences.append(e.sample)
            i += 1
        return 0

    callback = CALLBACK(collect)
    status = -1
    if rate > 0:
        lib.espeak_SetSynthCallback(callback)
        status = 1 if lib.espeak_SetVoiceByName(voice.encode()) != 0 else 0
        if status == 0:
            lib.espeak_SetParameter(RATE, wpm, 0)
            status = lib.espeak_Synth(text, len(text) + 1, 0, POS_CHARACTER, 0, CHARS_UTF8 | ENDPAUSE, None, None)
            lib.espeak_Synchronize()
    head = {"rate": rate, "status": status, "words": words, "sentences": sentences}
    sys.stdout.buffer.write(json.dumps(head).encode() + b"\n" + bytes(pcm))
    return 0


if __name__ == "__main__":
    sys.exit(main())
