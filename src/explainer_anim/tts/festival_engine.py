"""Festival with the CMU ARCTIC "slt" HTS voice (Debian festival + festvox-us-slt-hts).

One ``festival --script`` call speaks the text sentence by sentence (as ``text2wave -eval
"(voice_cmu_us_slt_arctic_hts)"`` would) and prints where each token's first segment starts,
so word times are Festival's own. HTS synthesis is deterministic."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from ..audio import read_wav
from ..errors import UserError
from .base import Engine, Utterance, register_engine
from .words import WordTime, sentence_spans, word_spans

DEFAULT_VOICE = "cmu_us_slt_arctic_hts"
SENTENCE_GAP_SECONDS = 0.2  # as Piper: a sentence's own pauses are short
# Festival reads bytes, not Unicode: typographic marks become their ASCII forms, one token
# for one token so that token times still line up with the text's words.
_ASCII = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-", "−": "-", "…": "."})

_SCRIPT = r"""
(load (path-append datadir "init.scm"))
(voice_{voice})
(set! hts_engine_params (append hts_engine_params (list (list "-r" {rate}))))
(define (firstword it)
  (cond ((item.relation it 'Word) it)
        (t (let ((found nil) (d (item.daughter1 it)))
             (while (and d (not found)) (set! found (firstword d)) (set! d (item.next d)))
             found))))
(define (speak utt wav)
  (let ((tok nil) (w nil))
    (utt.synth utt)
    (utt.save.wave utt wav 'riff)
    (set! tok (utt.relation.first utt 'Token))
    (while tok
      (set! w (firstword tok))
      (format t "T %s\n" (if w (item.feat (item.relation w 'SylStructure) "daughter1.daughter1.R:Segment.p.end") -1))
      (set! tok (item.next tok)))
    (format t "E\n")))
"""


def _scheme_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@register_engine
class FestivalEngine(Engine):
    name = "festival"

    @classmethod
    def available(cls) -> str | None:
        if shutil.which("festival") is None:
            return "the festival program is not installed (apt-get install festival festvox-us-slt-hts)"
        return None

    @classmethod
    def default_voice(cls) -> str:
        return DEFAULT_VOICE

    def settings(self) -> dict[str, Any]:
        return {"rate": round(self.speed, 6), "sentence_gap": SENTENCE_GAP_SECONDS}

    def synthesize(self, text: str) -> Utterance:
        if not re.fullmatch(r"[a-z0-9_]+", self.voice):
            raise UserError(f"Festival voice {self.voice!r}: expected a voice name such as {DEFAULT_VOICE}")
        sentences = sentence_spans(text)
        with tempfile.TemporaryDirectory(prefix="explainer-festival-") as tmp:
            script = _SCRIPT.format(voice=self.voice, rate=self.settings()["rate"])
            for i, (a, b) in enumerate(sentences):
                # Utterance does not evaluate its arguments: the text is written in literally.
                sentence = _scheme_string(text[a:b].translate(_ASCII))
                script += f"(speak (Utterance Text {sentence}) \"{Path(tmp) / f'{i}.wav'}\")\n"
            (Path(tmp) / "speak.scm").write_text(script, encoding="utf-8")
            proc = subprocess.run(["festival", "--script", str(Path(tmp) / "speak.scm")],
                                  capture_output=True, text=True, check=False)
            if proc.returncode != 0 or "SIOD ERROR" in proc.stdout + proc.stderr:
                why = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
                raise UserError(f"festival failed with voice {self.voice!r}: {why[0]}")
            audio = [read_wav(Path(tmp) / f"{i}.wav") for i in range(len(sentences))]
        rate = audio[0][1] if audio else 16000
        token_times = [[float(x) for x in block.split("T ")[1:]]
                       for block in proc.stdout.split("E\n")[: len(sentences)]]
        gap = np.zeros(round(SENTENCE_GAP_SECONDS * rate), dtype=np.float32)
        parts: list[np.ndarray] = []
        starts: list[int] = []
        words: list[WordTime] | None = []
        at = 0
        for (a, b), (samples, _r), times in zip(sentences, audio, token_times, strict=True):
            if parts:
                parts.append(gap)
                at += len(gap)
            starts.append(at)
            if words is not None and len(times) == len(word_spans(text[a:b])):
                words += self._word_times(times, at, rate)
            else:
                words = None  # Festival tokenised this sentence differently: estimate instead
            parts.append(samples)
            at += len(samples)
        samples_all = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
        return Utterance(samples_all, rate, tuple(starts) or (0,), tuple(words) if words else None)

    @staticmethod
    def _word_times(times: list[float], offset: int, rate: int) -> list[WordTime]:
        """A token with no segments of its own (a dash) reports -1 or 0: it starts with the next."""
        out: list[WordTime] = []
        for i, t in enumerate(times):
            later = next((x for x in times[i + 1:] if x > 0), None)
            if t > 0 or (i == 0 and t == 0):
                out.append(WordTime(offset + round(t * rate)))
            else:
                out.append(WordTime(offset + round((later if later is not None else max(times)) * rate), estimated=True))
        return out
