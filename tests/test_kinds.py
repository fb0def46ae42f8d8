"""Generic exhibit kinds (kinds.py) and registered formulas (formula_registry.py).

The safe arithmetic formula computes what it should and refuses everything else; every bad param
of every kind is one storyboard error naming file:line and the field, exit 2; a content package's
own formula is computed through ``self.compute`` and can be called again from values.json; every
exhibit of the YAML-only short cut (and one of each kind with all its steps) dry-runs with no
layout problems; the short cut's quotes are verbatim; and (``render``) it renders end to end with
real TTS, its values.json reproducible from the recorded formulas, and a broken storyboard
afterwards keeps what was rendered.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import math
import re
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from explainer_anim import kinds
from explainer_anim.errors import StoryboardError
from explainer_anim.formula_registry import ParamError, arithmetic, register_formula, registered_formulas
from explainer_anim.probe import probe
from explainer_anim.project import open_storyboard
from explainer_anim.quality import QUALITIES
from explainer_anim.quotes import check_quote, load_source
from explainer_anim.render import dry_run
from explainer_anim.scene import ExhibitPlan, scene_class
from explainer_anim.timeline import exhibit_timing

SHORT = REPO / "scenes" / "why-llms-hallucinate-short" / "storyboard.yaml"
GENERIC = {"TitleCard", "QuoteCard", "FormulaCard", "FunctionPlot", "BarChart", "TableCard", "Comparison"}

HEAD = """version: 1
explainer:
  id: kinds-test
  title: T
  authors: [A. Author]
  paper: {citation: "C", arxiv: "2509.04664", url: "https://arxiv.org/abs/2509.04664", year: 2025}
  license: CC BY 4.0
exhibits:
"""


def write(tmp_path: Path, exhibits: str, name: str = "storyboard.yaml") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + exhibits, encoding="utf-8")
    return path


def recall(entry: dict) -> object:
    """Call the formula a values.json entry names with its recorded inputs."""
    module, _, qualname = entry["formula"].partition(":")
    fn = importlib.import_module(module)
    for part in qualname.split("."):
        fn = getattr(fn, part)
    return fn(**entry["inputs"])  # type: ignore[operator]


def dry(storyboard_path: Path) -> dict[str, object]:
    """Every exhibit run without drawing, each beat two seconds long: exhibit id -> scene."""
    sb = open_storyboard(storyboard_path)
    q = QUALITIES["preview"]
    scenes = {}
    for e in sb.exhibits:
        timing = exhibit_timing(e.id, 0, [2 * 48_000] * len(e.beats), [0] * len(e.beats), 0, 0, q.fps)
        scenes[e.id] = dry_run(scene_class(sb, e), ExhibitPlan(e, sb.meta, sb.theme, q, timing))
    return scenes


# ----- the arithmetic formula ------------------------------------------------------------------

@pytest.mark.parametrize(("expr", "args", "value"), [
    ("t / (1 - t)", {"t": 0.75}, 3.0),
    ("(p - t) / (1 - t)", {"p": 0.6, "t": 0.9}, -3.0),
    ("2 ** -1 + -x", {"x": 1}, -0.5),
    ("sqrt(ln(e ** 4)) * max(1, 2, 3) + log(8, 2) + abs(-1) + floor(2.7) + ceil(0.2)", {}, 13.0),
    ("1 / 365", {}, 1 / 365),
])
def test_arithmetic_computes_with_floats(expr: str, args: dict, value: float) -> None:
    assert math.isclose(arithmetic(expr, **args), value, rel_tol=1e-12)


@pytest.mark.parametrize(("expr", "says"), [
    ('__import__("os")', "the function __import__"),
    ('(1).__class__()', "a method call"),
    ("x.real", "an attribute"),
    ("[1][0]", "an index"),
    ("1 if 2 else 3", "a conditional"),
    ("1 < 2", "a comparison"),
    ("7 // 2", "the operator //"),
    ("7 % 2", "the operator %"),
    ("2 ^ 3", "write powers as **"),
    ("sqrt", "sqrt without (arguments)"),
    ("sqrt(x=4)", "a keyword argument"),
    ("min(1)", "min() takes 2 to 16"),
    ("'text'", "the constant 'text'"),
    ("True + 1", "the constant True"),
    ("1j", "the constant 1j"),
    ("lambda: 1", "a lambda"),
    ("(y := 2)", "an assignment"),
    ("1 +", "not an arithmetic expression"),
    ("1 / 0", "divides by zero"),
    ("10 ** 10 ** 10", "too large"),
    ("(-8) ** (1 / 3)", "no real value"),
    ("sqrt(-1)", "math domain error"),
    ("1e308 * 10", "not a finite number"),
    ("1" * 401, "at most 400"),
])
def test_arithmetic_refuses_everything_else(expr: str, says: str) -> None:
    with pytest.raises(ParamError) as caught:
        arithmetic(expr, **({"x": 1.0} if "x" in expr and "x=" not in expr else {}))
    assert says in caught.value.message and caught.value.at == ".expr", caught.value.message


def test_arithmetic_arguments_are_numbers_all_used_and_all_given() -> None:
    for args, at, says in [({"t": "0.5"}, ".args.t", "must be a number"), ({"t": True}, ".args.t", "must be a number"),
                           ({"t": 0.5, "u": 1}, ".args.u", "not used"), ({}, ".args", "uses t"),
                           ({"t": 0.5, "pi": 3}, ".args.pi", "built-in")]:
        with pytest.raises(ParamError) as caught:
            arithmetic("t * 2", **args)
        assert (caught.value.at, says in caught.value.message) == (at, True), caught.value.message


def test_two_functions_cannot_share_a_formula_name() -> None:
    assert registered_formulas()["expr"] is arithmetic

    def other(expr: str) -> float:
        return 0.0
    with pytest.raises(RuntimeError, match="two formulas are named 'expr'"):
        register_formula("expr")(other)
    register_formula("expr")(arithmetic)  # the same function again (a reload) is fine


# ----- every bad param: one error naming file:line and the field --------------------------------

FORMULA = """  - id: f
    title: F
    scene: FormulaCard
    params:
      tex: '{tex}'
      values:
        p: {spec}
    beats: ["Hello."]
"""
PLOT = """  - id: p
    title: P
    scene: FunctionPlot
    params:
      function: {function}
      x: t
      range: {range}
      points: {points}
    beats: [{{narration: "Hello.", step: points}}]
"""
TABLE = """  - id: t
    title: T
    scene: TableCard
    params:
      rows:
        - [Benchmark, Binary]
        - {row}
      highlight: {highlight}
    beats: [{{narration: "Hello.", step: highlight}}]
"""
BARS = """  - id: b
    title: B
    scene: BarChart
    params:
      bars:
        - {{label: "x", value: {value}}}
        - {{label: {label}, value: 2}}
    beats: ["Hello."]
"""
COMPARE = """  - id: c
    title: C
    scene: Comparison
    params:
      left: {{title: "L", lines: [{left}]}}
      right: {{title: "R", lines: ["{{x}}"], values: {right}}}
{extra}    beats: [{{narration: "Hello.", step: {step}}}]
"""

F_OK = '{expr: "t / (1 - t)", args: {t: 0.75}}'
BAD = [
    # (exhibit yaml, field, text on the line the error must name, what it says)
    (FORMULA.format(tex="{p}", spec='{expr: "t.real", args: {t: 1}}'), "exhibits[0].params.values.p.expr",
     '"t.real"', "an attribute"),
    (FORMULA.format(tex="{p}", spec='{expr: "t * u", args: {t: 1}}'), "exhibits[0].params.values.p.args",
     "{t: 1}", "uses u"),
    (FORMULA.format(tex="{p}", spec='{expr: "1 / t", args: {t: 0}}'), "exhibits[0].params.values.p.expr",
     '"1 / t"', "divides by zero at t = 0"),
    (FORMULA.format(tex="{p}", spec="{formula: no_such_formula}"), "exhibits[0].params.values.p.formula",
     "no_such_formula", "no formula named 'no_such_formula'"),
    (FORMULA.format(tex="{p}", spec='{expr: "1", format: "{0.__class__}"}'), "exhibits[0].params.values.p.format",
     "__class__", "one {} field"),
    (FORMULA.format(tex="{p}", spec='{exp: "1"}'), "exhibits[0].params.values.p.exp", "exp:", "unknown field"),
    (FORMULA.format(tex="{p}", spec='{expr: "1", formula: expr}'), "exhibits[0].params.values.p",
     "formula: expr", "exactly one of formula"),
    (FORMULA.format(tex="x", spec=F_OK), "exhibits[0].params.values.p", F_OK, "put {p} in tex"),
    (FORMULA.format(tex=r"\undefinedmacro {p}", spec=F_OK), "exhibits[0].params.tex", "undefinedmacro",
     "Undefined control sequence"),
    (FORMULA.format(tex=r"\frac{1}{p", spec=F_OK), "exhibits[0].params.tex", r"\frac", "without its }"),
    (FORMULA.format(tex="{p}", spec=F_OK).replace("tex: '{p}'", 'tex: "\\frac{p}{2}"'),
     "exhibits[0].params.tex", "frac", "single quotes"),
    (FORMULA.format(tex="{p}", spec=F_OK).replace("      tex: '{p}'\n", ""), "exhibits[0].params.tex",
     "values:", "required by FormulaCard"),
    (FORMULA.format(tex="{p}", spec=F_OK).replace("    params:\n", "    params:\n      colour: red\n"),
     "exhibits[0].params.colour", "colour: red", "no parameter 'colour'"),
    (FORMULA.format(tex="{p}", spec=F_OK).replace('["Hello."]', "[{narration: Hi, step: caption}]"),
     "exhibits[0].params.caption", "tex:", "step caption shows it"),
    (FORMULA.format(tex="{p}", spec=F_OK).replace('["Hello."]', "[{narration: Hi, step: quote}]"),
     "exhibits[0].quotes", "- id: f", "add one"),
    (PLOT.format(function='{expr: "1 / (1 - t)"}', range="[0, 1]", points="[0.5]"),
     "exhibits[0].params.function.expr", '{expr: "1 / (1 - t)"}', "divides by zero at t = 1.0"),
    (PLOT.format(function='{expr: "t"}', range="[0, 1]", points="[0.5, 2]"),
     "exhibits[0].params.points[1]", "[0.5, 2]", "outside range"),
    (PLOT.format(function='{expr: "t"}', range="[1, 0]", points="[0.5]"), "exhibits[0].params.range",
     "[1, 0]", "low < high"),
    (PLOT.format(function='{expr: "t", args: {t: 1}}', range="[0, 1]", points="[0.5]"),
     "exhibits[0].params.function.args.t", "{t: 1}", "swept variable"),
    (PLOT.format(function='{expr: "t"}', range="[0, 1]", points="[]"), "exhibits[0].params.points",
     "points: []", "step points shows it"),
    (TABLE.format(row="[GPQA, Yes]", highlight="[]"), "exhibits[0].params.rows[1][1]", "[GPQA, Yes]",
     "bare word as true; put it in quotes"),
    (TABLE.format(row='[GPQA, "Yes", None]', highlight="[]"), "exhibits[0].params.rows[1]", "[GPQA",
     "has 3 cells; the first row has 2"),
    (TABLE.format(row='[GPQA, "Yes"]', highlight="[[5, 0]]"), "exhibits[0].params.highlight[0]", "[[5, 0]]",
     "no such cell"),
    (BARS.format(value="true", label='"y"'), "exhibits[0].params.bars[0].value", "value: true", "must be a number"),
    (BARS.format(value="1", label='"x"'), "exhibits[0].params.bars[1].label", '{label: "x", value: 2}', "used twice"),
    (COMPARE.format(left='"{y}"', right=f"{{x: {F_OK}}}", extra="", step="left"),
     "exhibits[0].params.left.lines[0]", '"{y}"', "values has no 'y'"),
    (COMPARE.format(left='"a"', right=f"{{x: {F_OK}, z: {F_OK}}}", extra="", step="left"),
     "exhibits[0].params.right.values.z", "z:", "put {z} in a line"),
    (COMPARE.format(left='"a"', right=f"{{x: {F_OK}}}", extra="", step="verdict"),
     "exhibits[0].params.verdict", "left:", "step verdict shows it"),
    (COMPARE.format(left='"a"', right=f"{{x: {F_OK}}}", extra='      verdict: "V"\n', step="left"),
     "exhibits[0].params.verdict", 'verdict: "V"', "no beat plays that step"),
]


@pytest.mark.parametrize(("exhibit", "field", "on_line", "says"), BAD, ids=[b[1] + ":" + b[3] for b in BAD])
def test_bad_params_name_file_line_and_field(tmp_path: Path, exhibit: str, field: str, on_line: str, says: str) -> None:
    path = write(tmp_path, exhibit)
    with pytest.raises(StoryboardError) as caught:
        open_storyboard(path)
    message = str(caught.value)
    where = re.match(rf"^{re.escape(str(path))}:(\d+):\d+: (\S+): ", message)
    assert where, message
    line = path.read_text().splitlines()[int(where.group(1)) - 1]
    assert (where.group(2), on_line in line, says in message) == (field, True, True), (message, line)
    assert "\n" not in message


def test_cli_says_it_in_one_line_with_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path, FORMULA.format(tex="{p}", spec='{expr: "__import__(1)"}'))
    proc = run_cli("validate", str(path))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith(f"error: {path}:15:") and "exhibits[0].params.values.p.expr: the function __import__" in line


# ----- a content package's own formula --------------------------------------------------------

def test_content_package_formula_is_computed_and_recorded(tmp_path: Path) -> None:
    folder = tmp_path / "own-formula"
    folder.mkdir()
    (folder / "__init__.py").write_text(
        "from explainer_anim.formula_registry import register_formula\n\n\n"
        "@register_formula('kinds_test_penalty')\n"
        "def penalty(t: float) -> float:\n"
        "    if not 0 <= t < 1:\n"
        "        raise ValueError(f'confidence target t must lie in [0, 1), got {t}')\n"
        "    return t / (1 - t)\n")
    good = FORMULA.format(tex=r"\frac{t}{1-t} = {p}", spec="{formula: kinds_test_penalty, args: {t: 0.75}}")
    scene = dry(write(folder, good))["f"]
    (entry,) = scene.values.to_json()
    assert entry["formula"].endswith(":penalty") and entry["inputs"] == {"t": 0.75}
    assert (entry["value"], entry["displayed"], recall(entry)) == (3.0, ["3"], 3.0)
    assert scene.layout_problems == []
    for spec, at, says in [("{formula: kinds_test_penalty, args: {t: 1}}", "args", "must lie in [0, 1), got 1"),
                           ("{formula: kinds_test_penalty, args: {s: 1}}", "args", "do not fit kinds_test_penalty(t")]:
        with pytest.raises(StoryboardError) as caught:
            open_storyboard(write(folder, FORMULA.format(tex="{p}", spec=spec), "bad.yaml"))
        assert f"exhibits[0].params.values.p.{at}: " in str(caught.value) and says in str(caught.value), str(caught.value)


# ----- the YAML-only short cut ----------------------------------------------------------------

def test_short_cut_is_yaml_only_and_uses_generic_kinds() -> None:
    assert [p.name for p in SHORT.parent.iterdir()] == ["storyboard.yaml"]
    sb = open_storyboard(SHORT)
    assert {e.scene for e in sb.exhibits} <= GENERIC
    assert all(scene_class(sb, e).__module__ == kinds.__name__ for e in sb.exhibits)


def test_short_cut_quotes_are_verbatim(paper_txt: Path) -> None:
    doc = load_source(paper_txt)
    quotes = [q for e in open_storyboard(SHORT).exhibits for q in e.quotes]
    assert len(quotes) >= 5
    for q in quotes:
        result = check_quote(doc, q.text, q.page, q.section)
        assert result.ok, result.explain()


def test_short_cut_dry_runs_without_layout_problems() -> None:
    scenes = dry(SHORT)
    for exhibit_id, scene in scenes.items():
        assert scene.layout_problems == [], (exhibit_id, [str(p) for p in scene.layout_problems])
    shown = {e.name: e.displayed for s in scenes.values() for e in s.values.entries if e.name != "curve"}
    assert shown["chance"] == ["0.27%"] and shown["right.penalty"] == ["3"] and shown["right.guess"] == ["-2.2"]
    assert [shown[f"t={t}"] for t in ("0.5", "0.75", "0.9")] == [["1"], ["3"], ["9"]]


EVERY_STEP = """  - id: formula
    title: Every step of a formula card
    scene: FormulaCard
    params:
      tex: '\\text{{penalty}} = \\frac{{t}}{{1-t}} = {{pen}} \\quad ({{pct}})'
      values:
        pen: {{expr: "t / (1 - t)", args: {{t: 0.9}}}}
        pct: {{expr: "p", args: {{p: 0.25}}, format: "{{:.0%}}"}}
      caption: "A caption of our own words under the formula."
    beats:
      - {{narration: "One.", step: highlight}}
      - {{narration: "Two.", step: caption}}
      - {{narration: "Three.", step: quote}}
    quotes: [{quote}]
  - id: plot
    title: Every step of a plot
    scene: FunctionPlot
    params:
      function: {{expr: "1 - x ** 2", format: "{{:.2f}}"}}
      range: [-1, 1]
      y_label: "a falling and rising curve"
      points: [-0.5, 0.5]
      highlight: [0.5]
    beats:
      - {{narration: "One.", step: highlight}}
      - {{narration: "Two.", step: quote}}
    quotes: [{quote}]
  - id: table
    title: Every step of a table
    scene: TableCard
    params:
      rows:
        - [Rule, Penalty, Note]
        - ["t = 0.5", {{expr: "t / (1 - t)", args: {{t: 0.5}}}}, "an even bet"]
        - ["t = 0.9", {{expr: "t / (1 - t)", args: {{t: 0.9}}}}, "a long and wordy note that must wrap to fit its column"]
        - ["t = 0.99", 99, "data, shown as typed"]
      highlight: [2, [3, 1]]
    beats:
      - {{narration: "One.", step: header}}
      - {{narration: "Two.", step: next_row}}
      - {{narration: "Three.", step: highlight}}
      - {{narration: "Four.", step: quote}}
    quotes: [{quote}]
  - id: bars
    title: Every step of a bar chart
    scene: BarChart
    params:
      unit: "%"
      bars:
        - {{label: "Binary grading", value: 90}}
        - {{label: "Partial credit for I don't know", value: 10}}
        - {{label: "Computed", value: {{expr: "100 * (p - t) / (1 - t)", args: {{p: 0.6, t: 0.9}}, format: "{{:.0f}}"}}}}
      y_label: "share of benchmarks"
      highlight: ["Computed"]
    beats:
      - {{narration: "One.", step: highlight}}
      - {{narration: "Two.", step: quote}}
    quotes: [{quote}]
  - id: compare
    title: Every step of a comparison
    scene: Comparison
    params:
      left:
        title: "Binary grading"
        lines: ["Wrong answer: 0 points", "A guess scores {{g}} on average"]
        values: {{g: {{expr: "p", args: {{p: 0.2}}, format: "{{:+.1f}}"}}}}
      right:
        title: "Confidence target"
        lines: ["Wrong answer: lose {{pen}} points"]
        values: {{pen: {{expr: "t / (1 - t)", args: {{t: 0.75}}}}}}
      highlight: right
      verdict: "A verdict under both columns."
    beats:
      - {{narration: "One.", step: right}}
      - {{narration: "Two.", step: highlight}}
      - {{narration: "Three.", step: verdict}}
      - {{narration: "Four.", step: quote}}
    quotes: [{quote}]
"""


def test_every_kind_and_step_dry_runs_without_layout_problems(tmp_path: Path) -> None:
    quote = '{text: "The constant 2 in the above bound is relatively tight", section: "3.1", page: 7}'
    scenes = dry(write(tmp_path, EVERY_STEP.format(quote=quote)))
    for exhibit_id, scene in scenes.items():
        assert scene.layout_problems == [], (exhibit_id, [str(p) for p in scene.layout_problems])
    entries = {e["name"]: e for s in scenes.values() for e in s.values.to_json()}
    assert entries["pct"]["displayed"] == ["25%"] and entries["rows[2][1]"]["displayed"] == ["9"]
    assert entries["Computed"]["displayed"] == ["-300"] and entries["left.g"]["displayed"] == ["+0.2"]
    curve = entries["curve"]
    assert curve["inputs"]["over"] == "x" and len(curve["value"]) == 60 and recall(curve) == curve["value"]
    assert "rows[3][1]" not in entries  # the typed 99 is data, not a computed value


# ----- the short cut, rendered ----------------------------------------------------------------

@pytest.fixture(scope="module")
def short_render(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    out = tmp_path_factory.mktemp("renders")
    proc = run_cli("render", "all", "--storyboard", str(SHORT), "--quality", "preview", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out, proc


@pytest.mark.render
def test_short_cut_renders_about_a_minute_without_layout_warnings(short_render) -> None:
    out, proc = short_render
    master = out / "why-llms-hallucinate-short" / "why-llms-hallucinate-short.mp4"
    info = probe(master)
    assert 50 <= info.of("video")[0].duration <= 70
    assert "layout:" not in proc.stderr, proc.stderr


@pytest.mark.render
def test_short_cut_values_are_computed_by_the_recorded_formulas(short_render) -> None:
    out, _ = short_render
    clips = out / "why-llms-hallucinate-short" / "clips"
    values = {p.name.removesuffix(".values.json"): json.loads(p.read_text()) for p in clips.glob("*.values.json")}
    assert set(values) == {e.id for e in open_storyboard(SHORT).exhibits}
    for entries in values.values():
        for entry in entries:
            again = recall(entry)
            assert (again == entry["value"]) if isinstance(again, list) else math.isclose(again, entry["value"])
    shown = {(clip, e["name"]): e["displayed"] for clip, entries in values.items() for e in entries}
    assert shown[("blind-guess", "chance")] == ["0.27%"]
    assert shown[("grading", "right.penalty")] == ["3"] and shown[("grading", "right.guess")] == ["-2.2"]
    assert [shown[("penalty", f"t={t}")] for t in ("0.5", "0.75", "0.9")] == [["1"], ["3"], ["9"]]
    assert [shown[("when-to-answer", f"t = {t}")] for t in ("0", "0.5", "0.75", "0.9")] == \
        [["+0.6"], ["+0.2"], ["-0.6"], ["-3.0"]]
    assert values["benchmarks"] == [] and values["title"] == []  # data and words only


@pytest.mark.render
def test_a_broken_storyboard_keeps_what_was_rendered(short_render, tmp_path: Path) -> None:
    out, _ = short_render
    folder = out / "why-llms-hallucinate-short"
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}
    broken = tmp_path / "storyboard.yaml"
    text = SHORT.read_text(encoding="utf-8")
    broken.write_text(text.replace('expr: "t / (1 - t)", format', 'expr: "t / (1 - t) if t else 0", format'),
                      encoding="utf-8")
    proc = run_cli("render", "all", "--storyboard", str(broken), "--quality", "preview", "--out", str(out))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert re.match(rf"error: {re.escape(str(broken))}:\d+:\d+: exhibits\[4\]\.params\.function\.expr: a conditional",
                    line), line
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}
    assert after == before
