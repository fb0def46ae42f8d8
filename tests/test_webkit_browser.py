"""The web kit in a real browser: Debian's Chromium, headless, driven by Playwright, loading the
kit from a copy served by Python's http.server on 127.0.0.1. Every clip must show its poster
before play, load its captions, play (and its WebM too), and no page may log a console error."""

from __future__ import annotations

import json
import shutil
import threading
from io import BytesIO
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from conftest import MINI, REPO, run_cli

pytestmark = pytest.mark.render
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required"]


class KitHandler(SimpleHTTPRequestHandler):
    # What any web host is configured to say: browsers need text/vtt to read a caption track.
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".vtt": "text/vtt", ".webm": "video/webm", ".mp4": "video/mp4", ".json": "application/json"}

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        pass


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("renders")
    proc = run_cli("render", "all", "--storyboard", str(MINI), "--quality", "preview", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    copy = tmp_path_factory.mktemp("elsewhere") / "kit"  # the kit must work wherever it is copied
    shutil.copytree(out / "mini-test" / "web", copy)
    return copy


@pytest.fixture(scope="module")
def server(kit: Path) -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(KitHandler, directory=str(kit)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (scripts/setup.sh --test installs Debian's)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield b
        b.close()


def open_page(browser: Any, url: str) -> tuple[Any, list[str]]:
    """A page at ``url`` and the list its console errors, page errors and failed loads go to."""
    page = browser.new_page(viewport={"width": 854, "height": 480})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.goto(url, wait_until="load")
    return page, errors


def picture(png: bytes | Path) -> np.ndarray:
    """Grey levels of the top 70% of a video's picture: above the controls bar Chromium draws."""
    with Image.open(BytesIO(png) if isinstance(png, bytes) else png) as im:
        grey = np.asarray(im.convert("L").resize((427, 240)), dtype=float)
    return grey[:168]


PLAYS = """async (v) => {
    v.muted = true;
    await v.play();
    const t0 = performance.now();
    while (v.readyState < 4 || v.currentTime < 0.3) {
        if (performance.now() - t0 > 15000) throw new Error(`stuck: readyState ${v.readyState} at ${v.currentTime}`);
        await new Promise(r => setTimeout(r, 50));
    }
    const a = v.currentTime;
    await new Promise(r => setTimeout(r, 400));
    return {readyState: v.readyState, before: a, after: v.currentTime, src: v.currentSrc};
}"""

CUES = """async (v) => {
    const track = v.querySelector('track');
    const t0 = performance.now();
    while (track.readyState !== 2) {  // LOADED
        if (track.readyState === 3 || performance.now() - t0 > 10000) throw new Error(`track state ${track.readyState}`);
        await new Promise(r => setTimeout(r, 50));
    }
    return {mode: v.textTracks[0].mode, cues: v.textTracks[0].cues.length, kind: v.textTracks[0].kind};
}"""

WEBM_PLAYS = """async (src) => {
    const v = document.createElement('video');
    v.muted = true; v.src = src; document.body.appendChild(v);
    await v.play();
    const t0 = performance.now();
    while (v.readyState < 4 || v.currentTime < 0.3) {
        if (performance.now() - t0 > 15000) throw new Error(`WebM stuck: readyState ${v.readyState}`);
        await new Promise(r => setTimeout(r, 50));
    }
    const a = v.currentTime;
    await new Promise(r => setTimeout(r, 400));
    const out = {readyState: v.readyState, before: a, after: v.currentTime};
    v.remove();
    return out;
}"""


def test_every_clip_shows_its_poster_loads_captions_and_plays(kit: Path, server: str, browser: Any,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    manifest = json.loads((kit / "manifest.json").read_text(encoding="utf-8"))
    played = {}
    for clip in manifest["clips"]:
        page, errors = open_page(browser, f"{server}/{clip['embed']}")
        video = page.locator("video")
        page.wait_for_function("document.querySelector('video').readyState >= 1")
        state = video.evaluate("v => ({paused: v.paused, t: v.currentTime, poster: v.poster})")
        assert state["paused"] and state["t"] == 0 and state["poster"].endswith(clip["poster"]["path"])
        difference = np.abs(picture(video.screenshot()) - picture(kit / clip["poster"]["path"])).mean()
        assert difference < 4, f"{clip['id']}: the poster is not what is shown before play ({difference:.1f})"
        cues = video.evaluate(CUES)
        assert cues == {"mode": "showing", "cues": clip["captions"]["cues"], "kind": "captions"}
        result = video.evaluate(PLAYS)
        assert result["readyState"] == 4 and result["after"] > result["before"] > 0, result
        played[clip["id"]] = result["src"].rsplit("/", 1)[-1]
        webm = next(f for f in clip["files"] if f["mime"] == "video/webm")["path"].split("/", 1)[1]
        alone = page.evaluate(WEBM_PLAYS, webm)
        assert alone["readyState"] == 4 and alone["after"] > alone["before"], alone
        assert errors == [], errors
        page.close()
    with capsys.disabled():
        print(f"\nChromium played: {played} (and each clip's WebM on its own)")
    assert all(src.endswith((".mp4", ".webm")) for src in played.values())


def test_index_shows_the_whole_kit_without_errors(kit: Path, server: str, browser: Any) -> None:
    manifest = json.loads((kit / "manifest.json").read_text(encoding="utf-8"))
    page, errors = open_page(browser, f"{server}/index.html")
    page.set_viewport_size({"width": 1100, "height": 900})
    players = page.locator("video[controls]")
    assert players.count() == len(manifest["clips"])
    page.wait_for_function("[...document.querySelectorAll('video')].every(v => v.readyState >= 1)")
    # The silent loops autoplay muted, inline.
    page.wait_for_function("[...document.querySelectorAll('video.loop')].every(v => !v.paused && v.currentTime > 0.2)",
                           timeout=15000)
    assert page.locator("video.loop").evaluate_all("vs => vs.map(v => v.muted && v.loop)") == [True] * len(
        manifest["clips"])
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "webkit-index.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert errors == [], errors
    page.close()
