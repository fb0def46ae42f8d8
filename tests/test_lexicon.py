"""Pronunciation: the lexicon changes what the voice says, never what captions show; --lint
finds what the voice would misread; a bad lexicon is a located error that loses nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DEFAULT, run_cli
from explainer_anim.lexicon import Lexicon, LexiconEntry, find_phrase, misreadings
from explainer_anim.narration import narrate
from explainer_anim.recorded import Recordings
from explainer_anim.storyboard import load_storyboard
from explainer_anim.tts import make_engine
from narration_fixtures import cli, outputs_kept, plant_outputs, write_storyboard

LEXICON = """\
    lexicon:
      IIV: "I I V"
      DEEPSEEK: "deep seek"
      arXiv: "archive"
      "δ": "delta"
      "≥": "at least"
      "10^12": "ten to the twelfth"
      GPT-4o: "G P T four oh"
      llm: {say: "L L M", ignore_case: true}
    """


def lexicon() -> Lexicon:
    return Lexicon(tuple(LexiconEntry(w, s) for w, s in [
        ("IIV", "I I V"), ("DEEPSEEK", "deep seek"), ("arXiv", "archive"), ("δ", "delta"), ("≥", "at least"),
        ("10^12", "ten to the twelfth"), ("GPT-4o", "G P T four oh")]) + (LexiconEntry("llm", "L L M", True),))


@pytest.mark.parametrize("written, spoken", [
    ("The IIV error", "The I I V error"),
    ("How many Ds are in DEEPSEEK?", "How many Ds are in deep seek?"),
    ("see arXiv.", "see archive."),
    ("δ ≥ 0", "delta at least 0"),
    ("x≥y", "x at least y"),  # a symbol between words gets spaces, not "xat leasty"
    ("10^12 tokens, not 10^123", "ten to the twelfth tokens, not 10^123"),  # whole words only
    ("GPT-4o and GPT-4", "G P T four oh and GPT-4"),
    ("IIVs and iiv", "IIVs and iiv"),  # case-sensitive, and not inside a longer word
    ("LLM, llm and Llm", "L L M, L L M and L L M"),  # unless the entry ignores case
])
def test_spoken_forms(written: str, spoken: str) -> None:
    assert lexicon().speak(written).text == spoken


def test_written_offsets_map_into_the_spoken_text() -> None:
    s = lexicon().speak("The IIV bound has δ in it")
    assert s.text[s.to_spoken(s.written.index("bound")):].startswith("bound")
    assert s.text[s.to_spoken(s.written.index("δ")):].startswith("delta in it")
    assert s.text[s.to_spoken(s.written.index("IIV")):].startswith("I I V")


def test_lexicon_reaches_the_voice_and_not_the_captions(tmp_path: Path) -> None:
    written = "The IIV bound uses δ; DEEPSEEK saw arXiv."
    sb = load_storyboard(write_storyboard(tmp_path, f"""\
        - id: one
          title: One
          scene: TitleCard
          beats:
            - narration: "{written}"
        """, top=LEXICON))
    engine, _ = make_engine("espeak-ng", "", 1.0)
    beat = narrate(sb, engine, tmp_path / "cache", ["one"], Recordings(sb, tmp_path / "none"))["one"][0]
    assert beat.text == written  # captions are made from this
    assert beat.spoken == "The I I V bound uses delta; deep seek saw archive."
    assert beat.cache_key == engine.cache_key(beat.spoken)
    # What was cached is what the spoken text sounds like, not the written one.
    assert len(beat.samples) > 0 and beat.cache_key != engine.cache_key(written)
    assert len(beat.words) == len(beat.spoken.split())


def test_find_phrase_is_whole_word_and_ignores_case_and_spacing() -> None:
    text = "For a model that is eighty percent sure, eighty percents"
    assert find_phrase(text, "Eighty   percent") == [text.index("eighty")]
    assert find_phrase(text, "percen") == []


def test_misreadings() -> None:
    found = dict(misreadings("The IIV has δ ≥ 0 at 80% of 10^12, t/(1 − t), 10ms and GPT-4o; the 3rd in the 1990s."))
    assert found == {"IIV": "all-capital word", "δ": "symbol δ", "≥": "symbol ≥", "80%": "symbol %",
                     "10^12": "symbol ^", "t/(1": "symbol /", "−": "symbol −", "10ms": "digits with a unit",
                     "GPT-4o": "all-capital word"}


def test_lint_lists_what_the_lexicon_misses_with_its_line(tmp_path: Path) -> None:
    path = write_storyboard(tmp_path, """\
        - id: one
          title: One
          scene: TitleCard
          beats:
            - narration: "Plain words only."
            - narration: "The IIV error and 80% of GPT-4o."
        """)
    proc = run_cli("narrate", "--lint", "--storyboard", str(path))
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines == [f"{path}:15:9: exhibits[0].beats[1].narration: {t!r}: {why}, not in the lexicon"
                     for t, why in [("IIV", "all-capital word"), ("80%", "symbol %"), ("GPT-4o", "all-capital word")]]
    text = path.read_text().replace("exhibits:\n", 'lexicon: {IIV: "I I V", "%": percent, GPT-4o: "G P T four oh"}\nexhibits:\n')
    path.write_text(text)
    proc = run_cli("narrate", "--lint", "--storyboard", str(path))
    assert proc.returncode == 0 and proc.stdout == "", proc.stdout + proc.stderr


def test_default_storyboard_lints_clean() -> None:
    proc = run_cli("narrate", "--lint", "--storyboard", str(DEFAULT))
    assert proc.returncode == 0, proc.stdout


@pytest.mark.parametrize("block, line, message", [
    ("lexicon: [IIV]\n", 9, "lexicon: must be a mapping of written forms to spoken forms"),
    ("lexicon:\n  IIV: 3\n", 10, "lexicon.IIV: must be text, but YAML read a number; put it in quotes"),
    ("lexicon:\n  IIV: {say: I I V, loud: yes}\n", 10, "lexicon.IIV.loud: unknown field"),
    ('lexicon:\n  IIV: {say: " "}\n', 10, "lexicon.IIV.say: must not be empty"),
    ("lexicon:\n  IIV: {ignore_case: true}\n", 10, "lexicon.IIV.say: required"),
])
def test_bad_lexicon_is_located_and_loses_nothing(tmp_path: Path, block: str, line: int, message: str) -> None:
    path = write_storyboard(tmp_path / "sb", """\
        - id: one
          title: One
          scene: TitleCard
          beats: ["Hello."]
        """, top=block)
    out = tmp_path / "renders"
    kept = plant_outputs(out)
    result = cli("narrate", "--storyboard", str(path), "--out", str(out))
    assert result.exit_code == 2, result.output
    err = result.stderr.strip().splitlines()
    assert len(err) <= 2 and err[0].startswith(f"error: {path}:{line}:") and message in err[0], result.stderr
    assert outputs_kept(kept)
