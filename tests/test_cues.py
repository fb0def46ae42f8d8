"""Timing inside a beat: a cue plays a step when its word is spoken, within one frame; a cue on
text the narration does not have is a located error."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from explainer_anim.narration import narrate
from explainer_anim.pipeline import RenderRequest, plan_timings, render
from explainer_anim.quality import QUALITIES, SAMPLE_RATE
from explainer_anim.recorded import Recordings
from explainer_anim.storyboard import Cue, load_storyboard
from explainer_anim.tts import make_engine
from narration_fixtures import SLUG, cli, outputs_kept, plant_outputs, tone, write_storyboard

PREVIEW = QUALITIES["preview"]
CUED = """\
    - id: cued
      title: Cued
      scene: TitleCard
      beats:
        - narration: "Wait for it. Now the title appears, with twenty percent of the credit."
          cue: {at: Now, step: title}
        - narration: "Then the authors, and all of it."
          step: title
          cue: [{at: "the authors", step: authors}, {at: "all of it", step: quote}]
      quotes:
        - {text: "Notes.", section: Abstract, page: 1}
    """


def test_cues_parse_as_one_or_a_list(tmp_path: Path) -> None:
    sb = load_storyboard(write_storyboard(tmp_path, CUED))
    first, second = sb.exhibits[0].beats
    assert first.cues == (Cue("Now", "title", first.cues[0].location),)
    assert [c.step for c in second.cues] == ["authors", "quote"] and second.cues[0].location.line == 18


def test_a_cue_starts_on_the_frame_of_its_word(tmp_path: Path) -> None:
    sb = load_storyboard(write_storyboard(tmp_path, CUED))
    engine, _ = make_engine("piper", "", 1.0)
    warnings: list[str] = []
    audio = narrate(sb, engine, tmp_path / "cache", ["cued"], Recordings(sb, tmp_path / "none"), warn=warnings.append)
    assert warnings == []  # Piper's alignments time every cued word
    timing = plan_timings(sb, audio, PREVIEW.fps)["cued"]
    for beat, bt, at in [(audio["cued"][0], timing.beats[0], ["Now"]),
                         (audio["cued"][1], timing.beats[1], ["the", "all"])]:
        spoken = beat.spoken.split()
        for cue, word in zip(bt.cues, at):
            start = beat.words[spoken.index(word)].start
            assert cue.frame == (bt.speech_offset + start) * PREVIEW.fps // SAMPLE_RATE
            # On screen when the word begins: within one frame of it.
            assert 0 <= (bt.speech_offset + start) / SAMPLE_RATE - cue.frame / PREVIEW.fps < 1 / PREVIEW.fps


def test_an_estimated_word_time_warns(tmp_path: Path) -> None:
    sb = load_storyboard(write_storyboard(tmp_path, CUED))
    tone(tmp_path / "takes" / "cued" / "1.wav", 300, 4.0, 24000)
    engine, _ = make_engine("espeak-ng", "", 1.0)
    warnings: list[str] = []
    narrate(sb, engine, tmp_path / "cache", ["cued"], Recordings(sb, tmp_path / "takes"), warn=warnings.append)
    assert len(warnings) == 1 and "storyboard.yaml:15:" in warnings[0] and "'Now' is timed by an estimate" in warnings[0]


@pytest.mark.parametrize("beat, line, message", [
    ('{narration: "Twenty percent.", cue: {at: "thirty percent", step: title}}', 14,
     "exhibits[0].beats[0].cue.at: 'thirty percent' is not in this beat's narration (did you mean 'Twenty percent'?)"),
    ('{narration: "Twenty percent.", cue: [{at: "Twenty", step: title}, {at: "cent", step: all}]}', 14,
     "exhibits[0].beats[0].cue[1].at: 'cent' is not in this beat's narration"),
    ('{hold: 1, cue: {at: "Now", step: title}}', 14, "cue.at: 'Now' is not in this beat's narration"),
    ('{narration: "Now.", cue: {at: "Now", step: sparkle}}', 14,
     "exhibits[0].beats[0].cue[0].step: scene TitleCard has no step 'sparkle'"),
    ('{narration: "Now.", cue: {at: "Now", step: title, when: 2}}', 14, "exhibits[0].beats[0].cue.when: unknown field"),
    ('{narration: "Now.", cue: "Now"}', 14, "exhibits[0].beats[0].cue: must be a mapping of fields"),
])
def test_bad_cues_are_located_and_lose_nothing(tmp_path: Path, beat: str, line: int, message: str) -> None:
    path = write_storyboard(tmp_path / "sb", f"""\
        - id: one
          title: One
          scene: TitleCard
          beats:
            - {beat}
        """)
    kept = plant_outputs(tmp_path / "renders")
    result = cli("narrate", "--storyboard", str(path), "--out", str(tmp_path / "renders"))
    assert result.exit_code == 2, result.output
    err = result.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {path}:{line}:") and message in err[0], result.stderr
    assert outputs_kept(kept)


def _gray_frames(video: Path) -> np.ndarray:
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(video), "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(-1, PREVIEW.height, PREVIEW.width).astype(np.int16)


def _onset_after_pause(video: Path, pause: float = 0.15) -> float:
    """Seconds to the first sound that follows a pause of ``pause`` s after earlier sound."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(video), "-map", "0:a:0", "-f", "f32le", "-ac", "1",
                          "-ar", str(SAMPLE_RATE), "-"], capture_output=True, check=True).stdout
    pcm = np.frombuffer(raw, dtype="<f4")
    hop = SAMPLE_RATE // 400  # 2.5 ms
    env = np.sqrt(np.mean(pcm[: len(pcm) // hop * hop].reshape(-1, hop) ** 2, axis=1))
    loud = env > 0.1 * env.max()
    quiet_run, heard = 0, False
    for i, on in enumerate(loud):
        if on and heard and quiet_run * hop >= pause * SAMPLE_RATE:
            return i * hop / SAMPLE_RATE
        quiet_run = 0 if on else quiet_run + 1
        heard = heard or on
    raise AssertionError("no sound after a pause")


@pytest.mark.render
def test_rendered_cue_lands_within_one_frame_of_the_spoken_word(tmp_path: Path) -> None:
    # Nothing is on screen until the cue (a TitleCard draws only in its steps), and "Now"
    # starts the second sentence, so both moments can be measured from the published clip.
    path = write_storyboard(tmp_path, """\
        - id: cued
          title: Cued
          scene: TitleCard
          beats:
            - narration: "Wait for it. Now the title appears."
              cue: {at: Now, step: all}
        """, engine="piper")
    result = render(RenderRequest(path, PREVIEW, ("cued",), out_root=tmp_path / "renders", jobs=1))
    clip = result.clips[0]
    frames = _gray_frames(clip)
    changed = np.flatnonzero(np.abs(frames - frames[0]).max(axis=(1, 2)) > 2)  # held frames differ by 0
    assert len(changed), "the cued step never drew"
    seen = changed[0] / PREVIEW.fps  # the first frame in which the step shows
    spoken = _onset_after_pause(clip)
    # The step starts on the frame showing the word's start; its first visible change is at
    # most one frame later.
    assert abs(seen - spoken) <= 1 / PREVIEW.fps + 0.02, (seen, spoken)
    assert clip == tmp_path / "renders" / SLUG / "clips" / "cued.mp4"
