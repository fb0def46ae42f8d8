"""Recorded voice-over dropped in: any rate, channels and bit depth, WAV/FLAC/MP3, per beat or
one long take with a cue list; the timeline re-times itself and only changed clips re-render."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli
from explainer_anim.narration import narrate
from explainer_anim.pipeline import RenderRequest, narrate_stage, render, start
from explainer_anim.probe import probe
from explainer_anim.quality import QUALITIES, SAMPLE_RATE
from explainer_anim.recorded import Recordings
from explainer_anim.storyboard import load_storyboard
from explainer_anim.timeline import beat_frames, seconds_to_samples
from explainer_anim.tts import make_engine
from click.testing import Result

from narration_fixtures import SLUG, cli, outputs_kept, peak_hz, plant_outputs, tone, write_storyboard

PREVIEW = QUALITIES["preview"]
TWO_EXHIBITS = """\
    - id: one
      title: One
      scene: TitleCard
      beats:
        - {narration: "The first beat.", step: all}
        - "The second beat."
    - id: two
      title: Two
      scene: TitleCard
      beats:
        - {narration: "The third beat.", step: all}
        - hold: 0.4
    """


def takes_folder(assets: Path) -> Path:
    return assets / "narration" / SLUG


def test_every_format_comes_out_at_the_right_length_and_pitch(tmp_path: Path) -> None:
    # (file, Hz, seconds, rate, channels, bits)
    takes = [("1.wav", 440, 1.0, 22050, 1, 16), ("2.wav", 550, 1.2, 24000, 2, 24), ("3.flac", 660, 0.8, 44100, 2, 24),
             ("4.mp3", 770, 1.1, 48000, 1, 16), ("5.wav", 880, 0.9, 48000, 2, 16), ("outro.flac", 990, 0.5, 22050, 1, 16)]
    folder = takes_folder(tmp_path / "assets") / "mixed"
    for name, hz, seconds, rate, channels, bits in takes:
        tone(folder / name, hz, seconds, rate, channels, bits)
    sb = load_storyboard(write_storyboard(tmp_path, """\
        - id: mixed
          title: Mixed
          scene: TitleCard
          beats:
            - "One."
            - "Two."
            - "Three."
            - "Four."
            - "Five."
            - {narration: "Six.", id: outro}
            - "Seven, spoken by the voice."
        """))
    engine, _ = make_engine("espeak-ng", "", 1.0)
    recordings = Recordings(sb, folder.parent)
    assert recordings.warnings == []
    beats = narrate(sb, engine, tmp_path / "cache", ["mixed"], recordings)["mixed"]
    for beat, (name, hz, seconds, *_rest) in zip(beats, takes):
        assert beat.source.startswith("recorded") and beat.source.endswith(name)
        # MP3 frames pad the end; PCM and FLAC come out sample-exact after resampling.
        slack = 0.06 if name.endswith(".mp3") else 1 / SAMPLE_RATE
        assert abs(len(beat.samples) / SAMPLE_RATE - seconds) <= slack, name
        assert abs(peak_hz(beat.samples) - hz) < 0.5, name
        assert 0.3 < np.max(np.abs(beat.samples)) < 0.55, name  # stereo averaged, not summed
    assert beats[-1].source == "espeak-ng:en-us"
    # Each file was converted once: the cache holds one converted file per take.
    assert len(list((tmp_path / "cache" / "recorded").glob("*.wav"))) == len(takes)
    again = narrate(sb, engine, tmp_path / "cache", ["mixed"], recordings)["mixed"]
    assert all(np.array_equal(a.samples, b.samples) for a, b in zip(beats, again))


def test_a_take_retimes_every_later_beat(tmp_path: Path) -> None:
    path = write_storyboard(tmp_path, TWO_EXHIBITS)
    assets = tmp_path / "assets"
    request = RenderRequest(path, PREVIEW, out_root=tmp_path / "renders", assets=assets)

    def timings() -> tuple[list[int], list[int], object]:
        run = start(request, None)
        narrate_stage(run)
        starts = [t.start_frame + b.start_frame for t in run.timings.values() for b in t.beats]
        return starts, [b.frames for t in run.timings.values() for b in t.beats], run

    before, frames_before, _ = timings()
    tone(takes_folder(assets) / "one" / "1.wav", 300, 3.0, 44100, 2, 24)
    after, frames_after, run = timings()
    sb = run.storyboard  # type: ignore[attr-defined]
    expected = beat_frames(3 * SAMPLE_RATE, seconds_to_samples(sb.timing.lead_in), seconds_to_samples(sb.timing.tail),
                           0, PREVIEW.fps)
    assert frames_after[0] == expected and frames_after[1:] == frames_before[1:]
    shift = expected - frames_before[0]
    assert shift != 0 and after == [before[0]] + [s + shift for s in before[1:]]


def test_one_long_take_cut_by_a_cue_list(tmp_path: Path) -> None:
    folder = takes_folder(tmp_path / "assets")
    a, b = tone(tmp_path / "a.wav", 440, 1.0, 44100), tone(tmp_path / "b.wav", 660, 1.5, 44100)
    gap = tmp_path / "gap.wav"
    subprocess.run(["sox", "-n", "-r", "44100", "-c", "1", "-b", "16", str(gap), "trim", "0", "0.5"], check=True)
    folder.mkdir(parents=True)
    subprocess.run(["sox", str(a), str(gap), str(b), str(folder / "voiceover.wav")], check=True)
    (folder / "voiceover.cues.csv").write_text("exhibit,beat,start,end\none,1,0,1.0\none,2,0:01.5,0:03.0\n")
    sb = load_storyboard(write_storyboard(tmp_path, TWO_EXHIBITS))
    engine, _ = make_engine("espeak-ng", "", 1.0)
    beats = narrate(sb, engine, tmp_path / "cache", ["one", "two"], Recordings(sb, folder))
    first, second = beats["one"]
    assert len(first.samples) == SAMPLE_RATE and abs(peak_hz(first.samples) - 440) < 0.5
    assert len(second.samples) == int(1.5 * SAMPLE_RATE) and abs(peak_hz(second.samples) - 660) < 0.5
    assert "[1.500s–3.000s]" in second.source and beats["two"][0].source.startswith("espeak-ng")
    # A beat's own file wins over its row in the cue list.
    tone(folder / "one" / "2.flac", 880, 0.7, 24000)
    second = narrate(sb, engine, tmp_path / "cache", ["one"], Recordings(sb, folder))["one"][1]
    assert abs(peak_hz(second.samples) - 880) < 0.5 and second.source.endswith("2.flac")


def test_two_minute_beat_and_a_hold_only_beat_in_a_draft(tmp_path: Path) -> None:
    path = write_storyboard(tmp_path, """\
        - id: long
          title: Long
          scene: TitleCard
          beats:
            - "A very long recorded beat."
            - hold: 1.5
            - "A short spoken one."
        """)
    assets, out = tmp_path / "assets", tmp_path / "renders"
    tone(takes_folder(assets) / "long" / "1.flac", 200, 120.0, 44100, 2, 16)
    proc = run_cli("narrate", "--storyboard", str(path), "--out", str(out), "--assets", str(assets), "-q", "preview")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader((out / SLUG / "narration-timing.csv").open()))
    assert [r["beat"] for r in rows] == ["1", "2", "3"]
    durations = [float(r["duration"]) for r in rows]
    assert 120.75 <= durations[0] <= 120.75 + 1 / PREVIEW.fps  # + lead-in 0.25 s and tail 0.5 s and durations[1] == pytest.approx(1.5, abs=1 / PREVIEW.fps)
    assert rows[1]["wpm"] == "" and rows[0]["source"].startswith("recorded") and float(rows[2]["wpm"]) > 60
    preview = probe(out / SLUG / "narration-preview.m4a")
    assert preview.of("audio")[0].sample_rate == SAMPLE_RATE and not preview.of("video")
    total = float(rows[-1]["start"]) + durations[-1]
    assert abs(preview.duration - total) < 0.05
    assert "narration-preview.m4a" in proc.stdout and "words" in proc.stdout.splitlines()[0]


def _bad(tmp_path: Path, files: dict[str, str | bytes | tuple], engine: str = "espeak-ng") -> Result:
    path = write_storyboard(tmp_path / "sb", TWO_EXHIBITS, engine=engine)
    folder = takes_folder(tmp_path / "assets")
    for name, content in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, tuple):
            tone(target, *content)
        else:
            target.write_bytes(content if isinstance(content, bytes) else content.encode())
    return cli("narrate", "--storyboard", str(path), "--out", str(tmp_path / "renders"),
               "--assets", str(tmp_path / "assets"))


GOOD = (440, 3.0, 22050)
CUES = "exhibit,beat,start,end\n"


@pytest.mark.parametrize("files, engine, where, message", [
    ({"one/1.wav": b"not audio at all"}, "espeak-ng", "one/1.wav", "ffmpeg failed to decode the recording"),
    ({"one/1.wav": GOOD, "one/1.mp3": GOOD}, "espeak-ng", "one/1.wav", "already has the take"),
    ({"voiceover.wav": GOOD, "voiceover.cues.csv": CUES + "one,1,0,1.x\n"}, "espeak-ng", "voiceover.cues.csv:2:9",
     "end: '1.x' is not a time"),
    ({"voiceover.wav": GOOD, "voiceover.cues.csv": CUES + "one,7,0,1\n"}, "espeak-ng", "voiceover.cues.csv:2:5",
     "beat: exhibit one has no beat '7'"),
    ({"voiceover.wav": GOOD, "voiceover.cues.csv": CUES + "one,1,2,1\n"}, "espeak-ng", "voiceover.cues.csv:2:9",
     "end: must be after start"),
    ({"voiceover.wav": GOOD, "voiceover.cues.csv": CUES + "one,1,2,9.5\n"}, "espeak-ng", "voiceover.cues.csv:2:9",
     "end: 9.500s is past the end of"),
    ({"voiceover.wav": GOOD, "voiceover.cues.csv": "exhibit,beat,from,to\n"}, "espeak-ng", "voiceover.cues.csv:1:1",
     "header: must name the columns exhibit,beat,start,end"),
    ({"voiceover.cues.csv": CUES}, "espeak-ng", "voiceover.cues.csv:1:1", "no voiceover.wav|flac|mp3 beside it"),
    ({"one/1.wav": GOOD}, "recorded", "storyboard.yaml:15:9", "exhibits[0].beats[1]: the voice is 'recorded' "
     "but this beat has no take: expected"),
])
def test_bad_takes_are_located_and_lose_nothing(tmp_path: Path, files: dict, engine: str, where: str, message: str) -> None:
    kept = plant_outputs(tmp_path / "renders")
    proc = _bad(tmp_path, files, engine)
    assert proc.exit_code == 2, proc.output
    err = proc.stderr.strip().splitlines()
    assert len(err) <= 2 and where in err[-1] and message in err[-1], proc.stderr
    assert proc.exception is None or isinstance(proc.exception, SystemExit)
    assert outputs_kept(kept)


@pytest.mark.render
def test_only_the_clip_whose_timing_changed_is_rendered_again(tmp_path: Path) -> None:
    path = write_storyboard(tmp_path, TWO_EXHIBITS)
    assets = tmp_path / "assets"
    request = RenderRequest(path, PREVIEW, out_root=tmp_path / "renders", assets=assets, jobs=2)
    first = render(request)
    assert sorted(first.rendered) == ["one", "two"]
    frames = probe(first.master, count_frames=True).of("video")[0].frames  # type: ignore[arg-type]
    tone(takes_folder(assets) / "two" / "1.wav", 500, 4.0, 24000, 2, 24)
    second = render(request)
    assert second.rendered == ["two"]  # exhibit one's beats kept their frames: its clip is reused
    grown = probe(second.master, count_frames=True).of("video")[0].frames  # type: ignore[arg-type]
    assert grown > frames and second.duration_seconds == pytest.approx(grown / PREVIEW.fps, abs=1 / PREVIEW.fps)
