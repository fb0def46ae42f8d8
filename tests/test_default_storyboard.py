"""The default storyboard: the whole paper, exhibit by exhibit.

Fast checks: every exhibit of every storyboard under ``scenes/`` passes the legibility check at
every beat end (a dry run: the scene's code with no frame drawn); the default storyboard keeps the
paper's order, cites every quote by section and page, and every quote is verbatim in the paper;
every bad parameter its scenes refuse is one located line (file:line: field: message).

Render check (``render``): the default storyboard's clips at ``preview``, rendered once; every value
a clip recorded is a fresh call of its formula with the same inputs, and every text it showed is a
formatting of that value. A bad storyboard given to the same output folder afterwards fails with
exit status 2 and leaves every clip as it was.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import math
import re
import shutil
import time
from functools import reduce
from pathlib import Path
from typing import Any

import pytest

from conftest import DEFAULT, PAPER_TXT, REPO, run_cli
from explainer_anim.content import load_content_package
from explainer_anim.errors import StoryboardError
from explainer_anim.pipeline import RenderRequest, render
from explainer_anim.probe import probe
from explainer_anim.project import open_storyboard
from explainer_anim.provenance import jsonable
from explainer_anim.quality import SAMPLE_RATE, quality
from explainer_anim.quotes import check_quote, load_source
from explainer_anim.render import dry_run
from explainer_anim.scene import ExhibitPlan, scene_class
from explainer_anim.timeline import exhibit_timing

STORYBOARDS = sorted(REPO.glob("scenes/*/storyboard.yaml"))
CONTENT = DEFAULT.parent

# The exhibits the default storyboard must have, in the paper's order.
PAPER_ORDER = ["title", "birthday", "dissertation", "letters", "figure-1", "is-it-valid", "calibration",
               "singletons", "poor-models", "binary-grading", "benchmarks", "confidence-targets", "simpleqa",
               "conclusions"]


def _all_exhibits() -> list[Any]:
    return [pytest.param(path, e.id, id=f"{path.parent.name}:{e.id}")
            for path in STORYBOARDS for e in open_storyboard(path).exhibits]


# ------------------------------------------------------------------------------------------------
# Legibility: a dry run of every exhibit of every storyboard
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path, exhibit_id", _all_exhibits())
def test_every_beat_end_is_legible(path: Path, exhibit_id: str) -> None:
    sb = open_storyboard(path)
    exhibit = sb.exhibit(exhibit_id)
    q = quality("preview")
    n = len(exhibit.beats)
    timing = exhibit_timing(exhibit.id, 0, [SAMPLE_RATE] * n, [0] * n, 0, 0, q.fps)  # one second a beat
    scene = dry_run(scene_class(sb, exhibit), ExhibitPlan(exhibit, sb.meta, sb.theme, q, timing))
    assert not scene.layout_problems, "\n".join(map(str, scene.layout_problems))


# ------------------------------------------------------------------------------------------------
# The default storyboard's shape and quotes
# ------------------------------------------------------------------------------------------------


def test_default_storyboard_follows_the_paper() -> None:
    sb = open_storyboard(DEFAULT)
    assert [e.id for e in sb.exhibits] == PAPER_ORDER
    for e in sb.exhibits:
        assert e.quotes, f"{e.id} has no quote"
        for q in e.quotes:
            assert q.section and q.page is not None, f"{e.id}: quote {q.text[:40]!r} needs its section and page"
        for b in e.beats:
            assert b.narration.strip(), f"{e.id}: every beat is narrated"
            # Digits only inside names the lexicon speaks (GPT-4, DeepSeek-V3), never a bare number.
            assert not re.search(r"(?<![\w\-])\d", b.narration), f"{e.id}: spell numbers as spoken: {b.narration!r}"


def test_default_storyboard_never_shows_the_printing_slips() -> None:
    sb = open_storyboard(DEFAULT)
    quoted = " ".join(q.text for e in sb.exhibits for q in e.quotes)
    assert "penalty 2" not in quoted
    assert "outputting IDK among examples" not in quoted  # the reversed behavioural-calibration line
    assert "Appendix" not in quoted and "non-trivial" not in quoted  # read the same in arXiv v1


def test_every_quote_is_verbatim_in_the_paper() -> None:
    if not PAPER_TXT.is_file():
        reason = f"the paper's text is not at {PAPER_TXT} (../shared/sources/ is absent)"
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    doc = load_source(PAPER_TXT)
    sb = open_storyboard(DEFAULT)
    failures = [f"{e.id}: {r.explain()}" for e in sb.exhibits for q in e.quotes
                if not (r := check_quote(doc, q.text, q.page, q.section)).ok]
    assert not failures, "\n\n".join(failures)


# ------------------------------------------------------------------------------------------------
# Bad parameters: one located line each
# ------------------------------------------------------------------------------------------------


def _copy_content(tmp_path: Path) -> Path:
    """The content folder under its own name (so it imports as the same package), storyboard
    and code, in ``tmp_path``."""
    folder = tmp_path / CONTENT.name
    folder.mkdir(parents=True)
    for f in CONTENT.iterdir():
        if f.suffix in (".py", ".yaml"):
            shutil.copy(f, folder / f.name)
    return folder / "storyboard.yaml"


def _line_of(text: str, needle: str) -> int:
    (at,) = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return at


BAD = [
    # (old text (a regular expression), new text, field, the line to blame (text on it), words of the message)
    (r'tokens: \["D", "EEP", "SEE", "K"\]', 'tokens: ["D", "", "SEE", "K"]', "exhibits[3].params.tokens",
     'tokens: ["D", "", "SEE", "K"]', "non-empty strings"),
    ('letter: "D"', 'letter: "DD"', "exhibits[3].params.letter", 'letter: "DD"', "single character"),
    (r'panels: \["Spelling \(good model\)", ', "panels: [", "exhibits[4]", "- id: figure-1", "3 titles"),
    (r'errors: \["Greatings\.", ', "errors: [", "exhibits[4]", "- id: figure-1", "same, non-zero number"),
    (r"s_range: \[0\.5, 1\.5\]", "s_range: [1.2, 1.5]", "exhibits[6].params.s_range", "s_range: [1.2, 1.5]",
     "must contain s = 1"),
    (r'ece_source: ".*"', 'ece_source: " "', "exhibits[6]", "- id: calibration", "ECE figures come from"),
    (r"n_min: 1\.0e\+3", "n_min: 1.0e+13", "exhibits[7]", "- id: singletons", "below params.n_max"),
    ("n_samples: 1000000", "n_samples: 0", "exhibits[7].params.n_samples", "n_samples: 0", "at least 1"),
    ("share_uncertain: 0.3", "share_uncertain: 1.3", "exhibits[9].params.share_uncertain", "share_uncertain: 1.3",
     "between 0 and 1"),
    ("n_choices: 4", "n_choices: 1", "exhibits[9].params.n_choices", "n_choices: 1", "at least 2"),
    ("confidence: 0.8", "confidence: 1.8", "exhibits[11].params.confidence", "confidence: 1.8", "between 0 and 1"),
    (r'models: \["gpt-5-thinking-mini", "OpenAI o4-mini"\]', 'models: ["gpt-5-thinking-mini", "gpt-6"]',
     "exhibits[12].params.models", '"gpt-6"]', "two models"),
    (r'    source: "OpenAI \(2025\).*"', '    source: ""', "exhibits[12]", "- id: simpleqa", "cite the blog post"),
    (r'models: \["ChatGPT \(GPT-4o\)", "DeepSeek", "Llama"\]', 'models: ["ChatGPT (GPT-4o)", "DeepSeek", "Llama", "Grok"]',
     "exhibits[2]", "- id: dissertation", "needs 7 quotes"),
    (r'        - "The remedy: .*"', '        - " "', "exhibits[13]", "- id: conclusions", "each a non-empty text"),
    (r'        - "The remedy: .*"\n', "", "exhibits[13]", "- id: conclusions", "3 beats show a point"),
    (r'targets: \[0\.0, 0\.5, 0\.75, 0\.9\]\n      confidence', "targets: [0.0, 0.5, 1.0]\n      confidence",
     "exhibits[11].params.targets", "targets: [0.0, 0.5, 1.0]", "0 ≤ t < 1"),
]


def _bad_copy(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    path = _copy_content(tmp_path)
    text, n = re.subn(old, lambda _: new, path.read_text(encoding="utf-8"))
    assert n == 1, f"the case's text {old!r} must occur once in the storyboard"
    path.write_text(text, encoding="utf-8")
    return path, text


@pytest.mark.parametrize("old, new, field, blamed, words", BAD, ids=[b[2] + ":" + b[4] for b in BAD])
def test_bad_parameter_is_one_located_line(tmp_path: Path, old: str, new: str, field: str, blamed: str,
                                           words: str) -> None:
    path, text = _bad_copy(tmp_path, old, new)
    with pytest.raises(StoryboardError) as info:
        open_storyboard(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{_line_of(text, blamed)}:"), message
    assert f": {field}: " in message and words in message, message
    assert "\n" not in message


# ------------------------------------------------------------------------------------------------
# Every number on screen is its formula's, formatted (a real preview render)
# ------------------------------------------------------------------------------------------------

# A number as printed: 10^{k}, or sign, digits (thousands commas), decimals, percent; never the digit
# of a name (L5, gpt-5).
_NUMBER = re.compile(r"10\^\{(\d+)\}|(?<![\w.\-−])[+\-−]?\d(?:[\d,]*\d)?(?:\.\d+)?%?")
_MARKS = {"✓", "✗", "Yes", "No"}


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _leaves(v)]
    if isinstance(value, list):
        return [len(value), *(x for v in value for x in _leaves(v))]
    return [value]


def _numbers(value: Any) -> list[float]:
    return [float(v) for v in _leaves(value) if isinstance(v, (int, float)) and not isinstance(v, bool)]


def _shows(token: str, v: float) -> bool:
    """Whether ``token`` (as printed: sign, thousands commas, decimals, %) is ``v`` formatted."""
    digits = token.strip("+-−%").replace(",", "")
    places = len(digits.partition(".")[2])
    for x in ((v, 100 * v) if token.endswith("%") else (v,)):
        shown = f"{abs(x):.{places}f}"
        zero = float(shown) == 0
        if shown == digits and (token[0] in "-−") == (x < 0 and not zero):
            return True
    return False


def formatting_problem(text: str, value: Any) -> str | None:
    """Why ``text`` is not a formatting of ``value`` (None if it is)."""
    tokens = list(_NUMBER.finditer(text))
    if not tokens:
        words = re.findall(r"\w[\w.\-]*", text)
        strings = " ".join(v for v in _leaves(value) if isinstance(v, str))
        if text in _MARKS and any(isinstance(v, bool) for v in _leaves(value)):
            return None
        missing = [w for w in words if w not in strings]
        return f"{missing} not in the value's text" if missing or not words else None
    numbers = _numbers(value)
    for m in tokens:
        if m.group(1) is not None:
            k = int(m.group(1))
            if not any(n > 0 and abs(math.log10(n) - k) < 1e-9 for n in numbers):
                return f"10^{k} is not one of the values"
        elif not any(_shows(m.group(0), n) for n in numbers):
            return f"{m.group(0)!r} is not a formatting of any number in the value"
    return None


def test_formatting_rules() -> None:
    assert formatting_problem("0.27%", 1 / 365) is None
    assert formatting_problem("52%", 52) is None
    assert formatting_problem("−4", -4.0) is None and formatting_problem("4", -4.0)
    assert formatting_problem("+0.80", 0.8) is None and formatting_problem("0.81", 0.8)
    assert formatting_problem("196,383", 196383) is None
    assert formatting_problem("10^{6}", [1e3, 1000000.0000000023]) is None
    assert formatting_problem("10^{7}", [1e3, 1e6])
    assert formatting_problem("D / EEP / SEE / K", ["D", "EEP", "SEE", "K"]) is None
    assert formatting_problem("✗", False) is None
    assert formatting_problem("10", [{"a": 1}] * 10) is None  # a count of rows
    assert formatting_problem("MATH (L5 split)", [{"name": "MATH (L5 split)"}]) is None


def _formula(name: str) -> Any:
    module, _, qualname = name.partition(":")
    return reduce(getattr, qualname.split("."), importlib.import_module(module))


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".staging" not in str(p)}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default storyboard's clips at preview, rendered once for this module."""
    out = tmp_path_factory.mktemp("renders")
    ids = [e.id for e in open_storyboard(DEFAULT).exhibits]
    started = time.monotonic()
    proc = run_cli("render", *ids, "-s", str(DEFAULT), "-q", "preview", "--out", str(out))
    print(f"\npreview render of {len(ids)} exhibits: {time.monotonic() - started:.0f} s")
    assert proc.returncode == 0, proc.stderr
    return out / "why-llms-hallucinate" / "clips"


@pytest.mark.render
def test_every_shown_value_is_its_formulas(rendered: Path) -> None:
    load_content_package(CONTENT)
    problems, checked = [], 0
    for exhibit_id in PAPER_ORDER:
        for entry in json.loads((rendered / f"{exhibit_id}.values.json").read_text(encoding="utf-8")):
            where = f"{exhibit_id}: {entry['name']} ({entry['formula']})"
            fresh = jsonable(_formula(entry["formula"])(**entry["inputs"]))
            if fresh != entry["value"]:
                problems.append(f"{where}: recorded {entry['value']!r:.80}, a fresh call gives {fresh!r:.80}")
            for shown in entry["displayed"]:
                value, text = entry["value"], shown
                attr, sep, rest = shown.partition(": ")
                if sep and isinstance(value, dict) and attr in value:
                    value, text = value[attr], rest
                problem = formatting_problem(text, value)
                if problem:
                    problems.append(f"{where}: shown {shown!r}: {problem}")
                checked += 1
    assert not problems, "\n".join(problems)
    assert checked > 100


@pytest.mark.render
def test_the_video_lasts_five_to_seven_minutes(rendered: Path) -> None:
    seconds = sum(probe(rendered / f"{i}.mp4").of("video")[0].duration or 0 for i in PAPER_ORDER)
    print(f"\ndefault storyboard: {seconds:.1f} s over {len(PAPER_ORDER)} exhibits")
    assert 5 * 60 <= seconds <= 7 * 60


@pytest.mark.render
def test_bad_storyboards_after_a_render_lose_nothing(rendered: Path, tmp_path: Path) -> None:
    out = rendered.parent.parent
    before = _digest(rendered.parent)
    for i, (old, new, field, _, _) in enumerate(BAD):
        path, _ = _bad_copy(tmp_path / str(i), old, new)
        with pytest.raises(StoryboardError, match=re.escape(field)):
            render(RenderRequest(path, quality("preview"), out_root=out))
        assert _digest(rendered.parent) == before, field
    # and as a user sees it: exit status 2, the located line, no traceback
    path, text = _bad_copy(tmp_path / "cli", 'letter: "D"', 'letter: "DD"')
    proc = run_cli("render", "all", "-s", str(path), "-q", "preview", "--out", str(out))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) <= 2 and "Traceback" not in proc.stderr, proc.stderr
    line = _line_of(text, 'letter: "DD"')
    assert f"{path}:{line}:" in lines[0] and "exhibits[3].params.letter" in lines[0]
    assert _digest(rendered.parent) == before
