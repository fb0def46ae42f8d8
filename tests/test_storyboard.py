"""Storyboard validation: good storyboards load; every bad input gets one clear line naming
file, line, column and field, exit status 2, no traceback, and nothing rendered."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DEFAULT, MINI, run_cli
from explainer_anim.errors import StoryboardError
from explainer_anim.project import open_storyboard
from explainer_anim.storyboard import load_storyboard

HEAD = """version: 1
explainer:
  id: t
  title: T
  authors: [A. Author]
  paper: {citation: "C", arxiv: "2509.04664", url: "https://arxiv.org/abs/2509.04664"}
  license: CC BY 4.0
exhibits:
"""
GOOD_EXHIBIT = """  - id: one
    title: One
    scene: QuoteCard
    beats:
      - narration: "Hello."
"""


def write(tmp_path: Path, body: str, head: str = HEAD) -> Path:
    p = tmp_path / "storyboard.yaml"
    p.write_text(head + body, encoding="utf-8")
    return p


def test_shipped_storyboards_load() -> None:
    for path in (DEFAULT, MINI):
        sb = open_storyboard(path)
        assert sb.exhibits and all(e.beats for e in sb.exhibits)
        assert not sb.warnings


def test_typed_objects(tmp_path: Path) -> None:
    sb = load_storyboard(write(tmp_path, GOOD_EXHIBIT + """      - hold: 1.5
    quotes:
      - {text: "Quoted.", section: 3.1, page: 7}
"""))
    e = sb.exhibits[0]
    assert (e.id, e.scene, e.beats[0].narration, e.beats[1].hold) == ("one", "QuoteCard", "Hello.", 1.5)
    assert e.quotes[0].section == "3.1" and e.quotes[0].page == 7
    assert sb.voice.engine == "piper" and sb.theme.background.startswith("#")


def bad(tmp_path: Path, text: str) -> str:
    """Validate through the real CLI; assert the error contract; return the message line."""
    path = tmp_path / "storyboard.yaml"
    path.write_text(text, encoding="utf-8")
    proc = run_cli("validate", str(path))
    assert proc.returncode == 2, proc
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 2, proc.stderr
    assert lines[0].startswith(f"error: {path}:"), lines
    assert not (tmp_path / "renders").exists()
    return lines[0]


CASES = {
    "tab indentation": (HEAD + GOOD_EXHIBIT.replace("    title: One", "\ttitle: One"), ["YAML syntax error", "tabs"]),
    "unquoted colon in narration": (HEAD + GOOD_EXHIBIT.replace('"Hello."', "Note: this breaks"),
                                    ["YAML syntax error", "quotes"]),
    "id no": (HEAD + GOOD_EXHIBIT.replace("id: one", "id: no"), [":9:9:", "exhibits[0].id", "quotes", "false"]),
    "id on": (HEAD + GOOD_EXHIBIT.replace("id: one", "id: on"), ["exhibits[0].id", "true"]),
    "unknown scene": (HEAD + GOOD_EXHIBIT.replace("QuoteCard", "QuoteKard"), [":11:12:", "exhibits[0].scene", "unknown scene 'QuoteKard'"]),
    "typo field": (HEAD + GOOD_EXHIBIT.replace("narration:", "narations:"),
                   ["exhibits[0].beats[0].narations", "unknown field", "did you mean 'narration'"]),
    "duplicate id": (HEAD + GOOD_EXHIBIT + GOOD_EXHIBIT, ["exhibits[1].id", "duplicated exhibit id 'one'", "line 9"]),
    "missing narration": (HEAD + GOOD_EXHIBIT.replace('narration: "Hello."', "step: quote"),
                          ["exhibits[0].beats[0].narration", "required"]),
    "unknown step": (HEAD + GOOD_EXHIBIT + '        step: dance\n', ["exhibits[0].beats[0].step", "no step 'dance'"]),
    "bad colour": (HEAD.replace("exhibits:", "theme: {accent: red}\nexhibits:") + GOOD_EXHIBIT, ["theme.accent", "#RRGGBB"]),
    "not a mapping": ("- just\n- a list\n", ["must be a mapping"]),
    "python tag": (HEAD + GOOD_EXHIBIT.replace('"Hello."', "!!python/object:os.system ls"), ["tag", "not allowed"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input(tmp_path: Path, case: str) -> None:
    text, needles = CASES[case]
    line = bad(tmp_path, text)
    for needle in needles:
        assert needle in line, (needle, line)


def test_exact_location_of_a_missing_field(tmp_path: Path) -> None:
    body = GOOD_EXHIBIT + """  - id: two
    title: Two
    scene: QuoteCard
    beats:
      - step: quote
"""
    line = bad(tmp_path, HEAD + body)
    assert ":18:9: exhibits[1].beats[0].narration: required" in line


def test_alias_bomb_is_refused_by_size(tmp_path: Path) -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        levels.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    text = HEAD.replace("exhibits:", "\n".join(levels) + "\nexhibits:") + GOOD_EXHIBIT
    line = bad(tmp_path, text)
    assert "too large" in line and "alias" in line


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    line = bad(tmp_path, HEAD.replace("exhibits:", "loop: &l [*l]\nexhibits:") + GOOD_EXHIBIT)
    assert "alias" in line


def test_hash_in_plain_narration_warns(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_EXHIBIT.replace('"Hello."', "Item #1 is fine, but this # is a comment"))
    proc = run_cli("validate", str(path))
    assert proc.returncode == 0, proc.stderr
    assert f"{path}:13:" in proc.stderr and "exhibits[0].beats[0].narration" in proc.stderr
    assert "quotes" in proc.stderr


def test_quoted_hash_does_not_warn(tmp_path: Path) -> None:
    sb = load_storyboard(write(tmp_path, GOOD_EXHIBIT.replace('"Hello."', '"This # stays."')))
    assert sb.exhibits[0].beats[0].narration == "This # stays." and not sb.warnings


def test_missing_file_is_a_user_error(tmp_path: Path) -> None:
    proc = run_cli("validate", str(tmp_path / "nope.yaml"))
    assert proc.returncode == 2 and "no such storyboard" in proc.stderr and "Traceback" not in proc.stderr


def test_errors_are_storyboard_errors(tmp_path: Path) -> None:
    with pytest.raises(StoryboardError) as info:
        load_storyboard(write(tmp_path, GOOD_EXHIBIT.replace("id: one", "id: One Two")))
    assert info.value.path == "exhibits[0].id" and info.value.location.line == 9


@pytest.mark.parametrize("hold, needle", [("1.0e+300", "between 0 and 600"), ("100000000", "between 0 and 600"),
                                          (".inf", "finite"), (".nan", "finite")])
def test_absurd_holds_are_refused(tmp_path: Path, hold: str, needle: str) -> None:
    line = bad(tmp_path, HEAD + GOOD_EXHIBIT + f"      - hold: {hold}\n")
    assert "exhibits[0].beats[1].hold" in line and needle in line


def test_non_utf8_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "storyboard.yaml"
    path.write_bytes((HEAD + GOOD_EXHIBIT).replace("title: One", "title: caf\xe9").encode("latin-1"))
    proc = run_cli("validate", str(path))
    assert proc.returncode == 2 and f"{path}:10:15: not UTF-8" in proc.stderr and "Traceback" not in proc.stderr


def test_unwritable_output_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    proc = run_cli("render", "all", "-s", str(MINI), "-q", "preview", "--out", str(blocker))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith(f"error: cannot write {blocker}")
    assert blocker.read_text() == "not a folder"


def test_validate_takes_the_same_option_as_the_other_commands() -> None:
    assert run_cli("validate", "-s", str(MINI)).returncode == 0


def test_an_empty_narration_with_a_hold_warns(tmp_path: Path) -> None:
    sb = load_storyboard(write(tmp_path, GOOD_EXHIBIT + "      - narration:\n        hold: 1\n"))
    assert len(sb.warnings) == 1 and "exhibits[0].beats[1].narration: warning: empty" in sb.warnings[0]
    assert not load_storyboard(write(tmp_path, GOOD_EXHIBIT + "      - hold: 1\n")).warnings
