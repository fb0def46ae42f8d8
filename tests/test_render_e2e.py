"""A real end-to-end render of a two-exhibit storyboard at preview quality, with real TTS,
checked with ffprobe: streams, durations, frame counts and narration placement."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from conftest import MINI, run_cli
from explainer_anim.audio import rms
from explainer_anim.pipeline import RenderRequest, start, narrate_stage
from explainer_anim.probe import probe
from explainer_anim.quality import QUALITIES, SAMPLE_RATE

pytestmark = pytest.mark.render
FPS = QUALITIES["preview"].fps


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    out = tmp_path_factory.mktemp("renders")
    proc = run_cli("render", "all", "--storyboard", str(MINI), "--quality", "preview", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out / "mini-test", proc


def decode_audio(path: Path) -> np.ndarray:
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:a:0", "-f", "f32le", "-ac", "1",
                          "-ar", str(SAMPLE_RATE), "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype="<f4")


def test_master_streams_and_durations(rendered: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    folder, _ = rendered
    info = probe(folder / "mini-test.mp4", count_frames=True)
    (video,), (audio,), (subs,) = info.of("video"), info.of("audio"), info.of("subtitle")
    assert len(info.streams) == 3 and subs.codec == "mov_text"  # exactly one video and one audio stream
    assert (video.codec, video.pix_fmt, video.width, video.height, video.fps) == ("h264", "yuv420p", 854, 480, 15)
    assert (audio.codec, audio.sample_rate) == ("aac", SAMPLE_RATE)
    assert abs(video.duration - audio.duration) <= 1 / FPS
    clip_frames = [probe(folder / "clips" / f"{i}.mp4", count_frames=True).of("video")[0].frames
                   for i in ("title", "abstract")]
    assert video.frames == sum(clip_frames)


def test_audio_is_not_silent_inside_each_narrated_beat(rendered: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    folder, _ = rendered
    run = start(RenderRequest(MINI, QUALITIES["preview"]), None)
    narrate_stage(run)  # from the narration cache: the same timeline the render used
    audio = decode_audio(folder / "mini-test.mp4")
    for exhibit in run.exhibits:
        t = run.timings[exhibit.id]
        for beat in t.beats:
            a = (t.start_frame + beat.start_frame) * SAMPLE_RATE // FPS + beat.speech_offset
            piece = audio[a: a + beat.speech_samples]
            if beat.speech_samples:
                assert rms(piece) > 0.02, (exhibit.id, beat.index, rms(piece))
            else:
                span = audio[a: a + beat.frames * SAMPLE_RATE // FPS]
                assert rms(span) < 0.002, (exhibit.id, beat.index)


def test_outputs_and_progress_lines(rendered: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    folder, proc = rendered
    assert (folder / "clips" / "title.values.json").exists()
    json.loads((folder / "clips" / "abstract.values.json").read_text())
    lines = proc.stderr.splitlines()
    # without a terminal: one plain line per exhibit and step
    for step in ("narrate  [1/2] title", "render   [2/2] abstract", "stitch"):
        assert any(line.startswith(step) for line in lines), (step, lines)
    assert "\r" not in proc.stderr and "\033" not in proc.stderr
    assert not list(folder.glob(".staging-*"))


def test_second_render_reuses_clips_and_a_failing_render_keeps_the_master(
        rendered: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path) -> None:
    folder, _ = rendered
    master = folder / "mini-test.mp4"
    again = run_cli("render", "all", "--storyboard", str(MINI), "-q", "preview", "--out", str(folder.parent))
    assert again.returncode == 0 and "cached   [1/2] title" in again.stderr
    before = master.read_bytes()
    # a storyboard that fails half-way (a step that needs a quote it does not have)
    broken = tmp_path / "mini"
    shutil.copytree(MINI.parent, broken)
    text = (broken / "storyboard.yaml").read_text()
    (broken / "storyboard.yaml").write_text(text.split("    quotes:")[0])  # the last exhibit loses its quote
    failed = run_cli("render", "all", "--storyboard", str(broken / "storyboard.yaml"), "-q", "preview",
                     "--out", str(folder.parent))
    assert failed.returncode == 2, failed.stderr
    assert "Traceback" not in failed.stderr and "quote" in failed.stderr
    assert master.read_bytes() == before
    assert not list(folder.glob(".staging-*"))
