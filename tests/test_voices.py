"""Voices behind one interface: Piper, espeak-ng, Festival and recorded takes; the storyboard
chooses, --voice overrides; synthesis is deterministic and word times are the engines' own."""

from __future__ import annotations

import io
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli
from explainer_anim.audio import rms
from explainer_anim.narration import synthesize_beat
from explainer_anim.pipeline import choose_engine
from explainer_anim.quality import SAMPLE_RATE
from explainer_anim.storyboard import load_storyboard
from explainer_anim.tts import engine_names, make_engine
from explainer_anim.tts.piper_engine import align_words
from explainer_anim.tts.words import WordTime, estimate_words, sentence_spans
from narration_fixtures import outputs_kept, plant_outputs, write_storyboard

TEXT = "A blind guess is right one time in 365. For a model that is eighty percent sure, answering pays less."


def test_every_voice_is_registered() -> None:
    assert {"piper", "espeak-ng", "festival", "recorded"} <= set(engine_names())


@pytest.mark.parametrize("name", ["piper", "espeak-ng", "festival"])
def test_same_text_same_samples_and_word_times(name: str) -> None:
    engine, warning = make_engine(name, "", 1.0)
    assert warning is None and engine.name == name
    first, second = engine.synthesize(TEXT), engine.synthesize(TEXT)
    assert np.array_equal(first.samples, second.samples) and first.words == second.words
    assert len(first.sentence_starts) == 2
    words = first.words
    assert words is not None and len(words) == len(TEXT.split())
    starts = [w.start for w in words]
    assert starts == sorted(starts) and starts[-1] < len(first.samples)
    # The second sentence's first word starts where the engine says the sentence does (or
    # after its leading silence), never before.
    first_of_second = TEXT.split().index("For")
    assert first.sentence_starts[1] <= starts[first_of_second] < first.sentence_starts[1] + first.sample_rate // 2
    assert sum(w.estimated for w in words) <= 2  # "a" fused with "For" may be placed by proportion


def test_espeak_library_speaks_as_the_program_does() -> None:
    engine, _ = make_engine("espeak-ng", "", 1.0)
    ours = engine.synthesize(TEXT)
    out = subprocess.run(["espeak-ng", "-v", "en-us", "-s", str(engine.settings()["wpm"]), "--stdout", TEXT],
                         capture_output=True, check=True).stdout
    with wave.open(io.BytesIO(out)) as w:
        program = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
    assert np.array_equal(ours.samples, program)


def test_festival_slt_is_48k_and_not_silent(tmp_path: Path) -> None:
    engine, _ = make_engine("festival", "", 1.0)
    speech = synthesize_beat(engine, TEXT, tmp_path)
    seconds = len(speech.samples) / SAMPLE_RATE
    assert 4.0 < seconds < 12.0
    assert rms(speech.samples) > 0.02 and np.max(np.abs(speech.samples)) > 0.2
    assert (tmp_path / f"{speech.key}.wav").exists()
    cached = synthesize_beat(engine, TEXT, tmp_path)  # from the cache: same samples, same word times
    assert np.array_equal(cached.samples, speech.samples) and cached.words == speech.words
    faster, _ = make_engine("festival", "", 1.5)
    assert len(faster.synthesize(TEXT).samples) < 0.8 * len(engine.synthesize(TEXT).samples)


def test_storyboard_chooses_and_voice_overrides(tmp_path: Path) -> None:
    sb = load_storyboard(write_storyboard(tmp_path, """\
        - id: one
          title: One
          scene: TitleCard
          beats: ["Hello."]
        """, engine="festival"))
    assert choose_engine(sb, None)[0].name == "festival"
    assert choose_engine(sb, "espeak-ng:en-gb")[0].voice == "en-gb"
    recorded = choose_engine(sb, f"recorded:{tmp_path}")[0]
    assert recorded.name == "recorded" and recorded.voice == str(tmp_path)


def test_unknown_voice_is_an_error_that_loses_nothing(tmp_path: Path) -> None:
    path = write_storyboard(tmp_path / "sb", """\
        - id: one
          title: One
          scene: TitleCard
          beats: ["Hello."]
        """)
    kept = plant_outputs(tmp_path / "renders")
    proc = run_cli("narrate", "--storyboard", str(path), "--voice", "fesival", "--out", str(tmp_path / "renders"))
    assert proc.returncode == 2 and "unknown voice engine 'fesival'" in proc.stderr and "festival" in proc.stderr
    assert outputs_kept(kept)


def test_alignment_matches_fused_and_split_words() -> None:
    # "for a model 365": espeak-ng speaks "for a" as one phoneme word and 365 as three.
    iso = [[4], [1], [5], [8, 6, 4]]
    phoneme_words = [(0, 100, 5), (100, 200, 5), (200, 300, 8), (300, 400, 6), (400, 500, 4)]
    assert align_words(iso, phoneme_words) == (WordTime(0), WordTime(80, estimated=True), WordTime(100), WordTime(200))


def test_estimates_keep_sentence_starts_exact() -> None:
    text = "One two three. Four five six."
    assert sentence_spans(text) == [(0, 14), (15, 29)]
    words = estimate_words(text, (0, 1000), 2000)
    assert [w.start for w in words][3] == 1000 and not words[0].estimated and not words[3].estimated
    assert all(w.estimated for i, w in enumerate(words) if i not in (0, 3))
    assert all(w.estimated for w in estimate_words(text, None, 2000))
