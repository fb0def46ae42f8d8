"""Verbatim means verified: quotes are checked against the pinned source before anything is
rendered; a quote that is not verbatim is refused (or, on purpose, rendered marked unverified);
with no source on the machine the render says so and marks the quotes; ``source fetch``
downloads the source atomically and checks its SHA-256.

Tests that use the paper read it from ``../shared/sources/`` and skip, saying why, without it.
"""

from __future__ import annotations

import re

import functools
import hashlib
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import MINI, REPO, SOURCES, run_cli
from explainer_anim.errors import StoryboardError, UserError
from explainer_anim.project import open_storyboard
from explainer_anim.quality import QUALITIES
from explainer_anim.quote_gate import verify_quotes
from explainer_anim.screen_check import quote_problems
from explainer_anim.sources import SHARED_DIR, SOURCES_DIR, find_source
from explainer_anim.storyboard import load_storyboard

PAPER_NAME = "kalai2025-why-language-models-hallucinate.txt"
QUOTE_START = "Like students facing hard exam questions"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def need_paper() -> Path:
    paper = SOURCES / PAPER_NAME
    if not paper.is_file():
        reason = f"the paper's source text is not at {paper} (../shared/sources/ is absent)"
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    return paper


def storyboard(folder: Path, *swaps: tuple[str, str], filename: str = PAPER_NAME, sha: str | None = None,
               url: str = "http://127.0.0.1:9/paper.txt") -> Path:
    """A copy of the mini storyboard naming a source, with ``swaps`` applied to its text."""
    text = re.sub(r"  source:\n(?:    .*\n)+", "", MINI.read_text(encoding="utf-8"), count=1)
    block = (f"  source:\n    title: The paper\n    url: {url}\n    filename: {filename}\n"
             + (f"    sha256: {sha}\n" if sha else ""))
    text = text.replace("  license: CC BY 4.0\n", block + "  license: CC BY 4.0\n", 1)
    for old, new in swaps:
        assert old in text
        text = text.replace(old, new, 1)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "storyboard.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


TAMPER = ("sometimes guess when", "sometimes guass when")  # one letter changed
WRONG_SHA = "dead" * 16


# --- every quote that ships ----------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted((REPO / "scenes").glob("*/storyboard.yaml")),
                         ids=lambda p: p.parent.name)
def test_every_shipped_quote_is_verbatim_in_its_source(path: Path) -> None:
    need_paper()
    sb = load_storyboard(path)
    # shipped storyboards that pin a source are looked up the standard way; others use the paper
    override = None if sb.meta.source else SOURCES / PAPER_NAME
    lookup = find_source(sb, override, root=REPO)
    if lookup.path is None:
        print(f"SKIP: {lookup.why_not}")
        pytest.skip(lookup.why_not)
    report = verify_quotes(sb, sb.exhibits, override, root=REPO)
    assert report.verdicts, f"{path} has no quotes"
    assert not report.failures, "\n\n".join(v.message() for v in report.failures)
    assert all(v.verified for v in report.verdicts)


def test_default_storyboard_pins_the_shared_text() -> None:
    paper = need_paper()
    source = load_storyboard(REPO / "scenes" / "why-llms-hallucinate" / "storyboard.yaml").meta.source
    assert source is not None and source.filename == PAPER_NAME
    assert source.sha256 == sha256(paper)


# --- where the source is looked for ---------------------------------------------------------------


def test_lookup_order_override_then_assets_then_shared(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shared = root / SHARED_DIR / "paper.txt"
    assets = root / SOURCES_DIR / "paper.txt"
    for p in (shared, assets):
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("Abstract\n\nThe same text.\n", encoding="utf-8")
    sb = load_storyboard(storyboard(tmp_path, filename="paper.txt", sha=sha256(shared)))
    assert find_source(sb, root=root).path == assets
    assets.unlink()
    assert find_source(sb, root=root).path == shared
    other = tmp_path / "other.txt"
    other.write_bytes(shared.read_bytes())
    assert find_source(sb, other, root=root).path == other
    shared.unlink()
    missing = find_source(sb, root=root)
    assert missing.path is None
    assert str(root / SOURCES_DIR / "paper.txt") in missing.why_not and str(root / SHARED_DIR / "paper.txt") in missing.why_not
    with pytest.raises(UserError, match="--source .*nope.txt: no such file"):
        find_source(sb, tmp_path / "nope.txt", root=root)


def test_a_source_with_another_sha256_is_an_error_naming_both(tmp_path: Path) -> None:
    wrong = WRONG_SHA
    path = storyboard(tmp_path, filename="paper.txt", sha=wrong)
    src = tmp_path / "paper.txt"
    src.write_text("Abstract\n\nSome text.\n", encoding="utf-8")
    with pytest.raises(StoryboardError) as info:
        find_source(load_storyboard(path), src)
    message = str(info.value)
    assert message.startswith(f"{path}:{line_of(path, 'sha256:')}:")
    assert "explainer.source.sha256" in message and wrong in message and sha256(src) in message


def test_a_source_filename_with_folders_is_refused(tmp_path: Path) -> None:
    path = storyboard(tmp_path, filename="../../etc/passwd")
    proc = run_cli("validate", str(path))
    assert proc.returncode == 2
    assert f"{path}:{line_of(path, 'filename:')}:" in proc.stderr
    assert "explainer.source.filename: must be a plain file name" in proc.stderr


# --- quotes check ----------------------------------------------------------------------------------


def test_quotes_check_passes_with_a_one_line_summary(tmp_path: Path) -> None:
    paper = need_paper()
    proc = run_cli("quotes", "check", "--storyboard", str(storyboard(tmp_path, sha=sha256(paper))))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("\n") == 1
    assert f"1 of 1 quotes verbatim in {PAPER_NAME} (SHA-256 {sha256(paper)[:12]}" in proc.stdout


def test_quotes_check_explains_a_tampered_quote_at_its_line(tmp_path: Path) -> None:
    paper = need_paper()
    path = storyboard(tmp_path, TAMPER, sha=sha256(paper))
    proc = run_cli("quotes", "check", "--storyboard", str(path))
    assert proc.returncode == 2
    err = proc.stderr
    assert f"{path}:{line_of(path, QUOTE_START)}:9: exhibits[1].quotes[0]: QUOTE CHECK FAILED in {PAPER_NAME}" in err
    assert "closest: Like students facing hard exam questions, large language models sometimes guess" in err
    assert "'guass' (quote) ≠ 'guess' (source)" in err
    assert "character by character" in err and "(page 1, Abstract)" in err


def test_quotes_check_without_a_source_cannot_pass(tmp_path: Path) -> None:
    proc = run_cli("quotes", "check", "--storyboard", str(storyboard(tmp_path, filename="absent.txt")),
                   cwd=tmp_path)
    assert proc.returncode == 2
    assert "cannot check the quotes: absent.txt is not on this machine" in proc.stderr


def test_a_quote_too_long_for_the_frame_says_how_much_to_cut(tmp_path: Path) -> None:
    long_quote = " ".join(["a long quote of many words"] * 30)  # 809 characters
    path = storyboard(tmp_path, (QUOTE_START + ", large language models sometimes guess when uncertain, producing "
                                 "plausible yet incorrect statements instead of admitting uncertainty.", long_quote))
    sb = open_storyboard(path)
    (problem,) = quote_problems(sb, sb.exhibits, QUALITIES["preview"])
    assert problem.startswith(f"{path}:{line_of(path, 'a long quote')}:9: exhibits[1].quotes[0].text: too long for "
                              "the frame even at the smallest text size (24 pt)")
    cut = int(problem.split("cut about ")[1].split()[0])
    assert 0 < cut < len(long_quote)
    # the estimate is a measurement: the quote cut by that much (at a word) fits
    kept = long_quote[: len(long_quote) - cut].rsplit(" ", 1)[0]
    path.write_text(path.read_text(encoding="utf-8").replace(long_quote, kept), encoding="utf-8")
    sb = open_storyboard(path)
    assert quote_problems(sb, sb.exhibits, QUALITIES["preview"]) == []


# --- render ------------------------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_intact(folder: Path, before: dict[str, str]) -> None:
    """Every earlier file is still there, unchanged; nothing new but cache entries."""
    after = snapshot(folder)
    assert {k: after.get(k) for k in before} == before
    assert all(k.startswith(".cache/") for k in after.keys() - before.keys())


def quote_records(out: Path, exhibit: str = "abstract") -> list[dict]:
    return json.loads((out / "mini-test" / "clips" / f"{exhibit}.quotes.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def verified_render(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The mini storyboard pinned to the paper, rendered once, found the standard way."""
    paper = need_paper()
    work = tmp_path_factory.mktemp("verified")
    out = work / "renders"
    proc = run_cli("render", "all", "--storyboard", str(storyboard(work / "sb", sha=sha256(paper))),
                   "--quality", "preview", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out, sha256(paper)


@pytest.mark.render
def test_a_verified_render_marks_its_quotes_verified(verified_render: tuple[Path, str]) -> None:
    out, sha = verified_render
    (record,) = quote_records(out)
    assert record["verified"] is True
    assert record["path"] == "exhibits[1].quotes[0]" and record["text"].startswith(QUOTE_START)
    assert record["found"] == {"page": 1, "section": "Abstract"}
    assert record["source"]["sha256"] == sha and record["source"]["file"] == PAPER_NAME
    assert quote_records(out, "title") == []


@pytest.mark.render
@pytest.mark.parametrize("swap, expect", [
    (TAMPER, ["exhibits[1].quotes[0]: QUOTE CHECK FAILED", "guass", "refusing to render: 1 quote is not verbatim"]),
    (("A short test", "A short \u4e2d test"), ["exhibits[0].beats[0].narration: U+4E2D"]),
], ids=["tampered-quote", "missing-glyph"])
def test_render_refuses_and_keeps_what_was_rendered(verified_render: tuple[Path, str], tmp_path: Path,
                                                    swap: tuple[str, str], expect: list[str]) -> None:
    out, sha = verified_render
    before = snapshot(out)
    path = storyboard(tmp_path, swap, sha=sha)
    proc = run_cli("render", "all", "--storyboard", str(path), "--quality", "preview", "--out", str(out))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"error: {path}:")
    for want in expect:
        assert want in proc.stderr
    assert_intact(out, before)


@pytest.mark.render
def test_render_refuses_a_source_of_another_version(verified_render: tuple[Path, str], tmp_path: Path) -> None:
    out, _ = verified_render
    before = snapshot(out)
    path = storyboard(tmp_path, sha=WRONG_SHA)
    proc = run_cli("render", "all", "--storyboard", str(path), "--quality", "preview", "--out", str(out))
    assert proc.returncode == 2
    assert f"{path}:{line_of(path, 'sha256:')}:" in proc.stderr and WRONG_SHA in proc.stderr
    assert_intact(out, before)


@pytest.mark.render
def test_allow_unverified_renders_a_failing_quote_marked(tmp_path: Path) -> None:
    paper = need_paper()
    out = tmp_path / "renders"
    path = storyboard(tmp_path / "sb", TAMPER, sha=sha256(paper))
    proc = run_cli("render", "abstract", "--storyboard", str(path), "--quality", "preview", "--out", str(out),
                   "--allow-unverified")
    assert proc.returncode == 0, proc.stderr
    assert (f"{path}:{line_of(path, QUOTE_START)}:9: exhibits[1].quotes[0]: rendering a quote that is not "
            "verbatim in the source (--allow-unverified)") in proc.stderr
    (record,) = quote_records(out)
    assert record["verified"] is False
    assert "guass" in record["text"] and "'guass' (quote) ≠ 'guess' (source)" in record["reason"]
    assert record["reason"].endswith("(rendered anyway: --allow-unverified)")
    assert (out / "mini-test" / "clips" / "abstract.mp4").is_file()


@pytest.mark.render
def test_without_a_source_it_renders_and_says_the_quotes_are_unverified(tmp_path: Path) -> None:
    out = tmp_path / "renders"
    path = storyboard(tmp_path / "sb", filename="absent.txt", sha=WRONG_SHA)
    proc = run_cli("render", "abstract", "--storyboard", str(path), "--quality", "preview", "--out", str(out),
                   cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert ("warning: the quotes were NOT verified against the paper and are marked unverified: "
            "absent.txt is not on this machine") in proc.stderr
    (record,) = quote_records(out)
    assert record["verified"] is False and record["source"] is None
    assert "absent.txt is not on this machine" in record["reason"]


# --- source fetch -----------------------------------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real HTTP server on 127.0.0.1 serving a folder."""
    served = tmp_path / "served"
    served.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(served)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", served
    httpd.shutdown()
    httpd.server_close()


def test_source_fetch_downloads_and_checks_the_sha256(tmp_path: Path, server: tuple[str, Path]) -> None:
    base, served = server
    body = ("A paper\n\nAbstract\n\nThe same text, served.\n" * 200).encode()
    (served / "paper.txt").write_bytes(body)
    project = tmp_path / "project"
    project.mkdir()
    path = storyboard(tmp_path / "sb", filename="paper.txt", sha=hashlib.sha256(body).hexdigest(),
                      url=f"{base}/paper.txt")
    proc = run_cli("source", "fetch", "--storyboard", str(path), cwd=project)
    assert proc.returncode == 0, proc.stderr
    fetched = project / SOURCES_DIR / "paper.txt"
    assert fetched.read_bytes() == body
    assert proc.stdout.startswith("wrote assets/sources/paper.txt")
    assert sorted(p.name for p in fetched.parent.iterdir()) == ["paper.txt"]
    again = run_cli("source", "fetch", "--storyboard", str(path), cwd=project)
    assert again.returncode == 0 and "already there" in again.stdout


def test_source_fetch_with_a_wrong_sha256_keeps_nothing(tmp_path: Path, server: tuple[str, Path]) -> None:
    base, served = server
    (served / "paper.txt").write_bytes(b"Abstract\n\nA different version.\n")
    project = tmp_path / "project"
    earlier = project / SOURCES_DIR / "paper.txt"
    earlier.parent.mkdir(parents=True)
    earlier.write_bytes(b"what an earlier fetch left\n")
    expected = "ab" * 32
    path = storyboard(tmp_path / "sb", filename="paper.txt", sha=expected, url=f"{base}/paper.txt")
    proc = run_cli("source", "fetch", "--storyboard", str(path), cwd=project)
    assert proc.returncode == 2
    actual = hashlib.sha256((served / "paper.txt").read_bytes()).hexdigest()
    assert f"{path}:{line_of(path, 'sha256:')}:" in proc.stderr
    assert actual in proc.stderr and expected in proc.stderr and "nothing was kept" in proc.stderr
    assert earlier.read_bytes() == b"what an earlier fetch left\n"
    assert sorted(p.name for p in earlier.parent.iterdir()) == ["paper.txt"]  # no partial download left


def test_source_fetch_reports_an_http_error(tmp_path: Path, server: tuple[str, Path]) -> None:
    base, _ = server
    path = storyboard(tmp_path / "sb", filename="paper.txt", sha="ab" * 32, url=f"{base}/missing.txt")
    proc = run_cli("source", "fetch", "--storyboard", str(path), cwd=tmp_path)
    assert proc.returncode == 2
    assert f"cannot download {base}/missing.txt: HTTP 404" in proc.stderr
    assert not (tmp_path / SOURCES_DIR / "paper.txt").exists()
