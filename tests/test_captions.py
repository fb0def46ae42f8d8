"""Captions: cut at phrase boundaries into cues of at most two 42-character lines lasting 1-7 s,
never overlapping or past the end; timed by the timeline to the millisecond; parsed back with
real SRT and WebVTT parsers; muxed as mov_text; burned into the frames on request."""

from __future__ import annotations

import dataclasses
import html
import subprocess
from pathlib import Path

import numpy as np
import pytest
import srt
import webvtt
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DEFAULT, MINI, run_cli
from explainer_anim.captions import LINE_CHARS, beat_chunks, build_cues, spoken_anchors, to_srt, to_vtt, write_captions
from explainer_anim.media import burn_captions_args, run_ffmpeg, video_encode_args
from explainer_anim.narration import BeatAudio
from explainer_anim.outputs import OutputLayout
from explainer_anim.pipeline import RenderRequest, RenderResult, Run, narrate_stage, start
from explainer_anim.probe import probe
from explainer_anim.progress import Progress
from explainer_anim.quality import QUALITIES, SAMPLE_RATE
from explainer_anim.storyboard import load_storyboard
from explainer_anim.timeline import exhibit_timing, frame_to_sample, seconds_to_samples
from explainer_anim.tts import WordTime

WORDS = ("the model guesses when unsure and a student would too because exams reward it "
         "calibration error rate of two percent is small but not zero which matters "
         "supercalifragilistic Kalai Vempala 365 e.g. it's").split()
PUNCT = ["", "", "", "", ",", ";", ":", ".", "?", " —"]


def ms(samples: int) -> int:
    return samples * 1000 // SAMPLE_RATE


def run_for(texts: list[list[str]], chars_per_second: float, fps: int = 30) -> Run:
    """A real Run over a storyboard whose beats say ``texts``, with speech of a given pace."""
    sb = load_storyboard(MINI)
    exhibits = tuple(dataclasses.replace(e, beats=tuple(dataclasses.replace(e.beats[0], narration=t, hold=0.0)
                                                        for t in beats))
                     for e, beats in zip(sb.exhibits, texts))
    sb = dataclasses.replace(sb, exhibits=exhibits)
    q = QUALITIES["hd"] if fps == 30 else QUALITIES["preview"]
    run = Run(RenderRequest(MINI, q), sb, list(exhibits), OutputLayout(Path("/nonexistent"), "x", q.name),
              Progress(1), RenderResult(None))
    start_frame = 0
    for e in exhibits:
        lengths = [max(1, round(len(b.narration) / chars_per_second * SAMPLE_RATE)) for b in e.beats]
        run.audio[e.id] = [BeatAudio(e.id, i, b.narration, np.zeros(n, np.float32), None)
                           for i, (b, n) in enumerate(zip(e.beats, lengths))]
        run.timings[e.id] = exhibit_timing(e.id, start_frame, lengths, [0] * len(lengths),
                                           seconds_to_samples(sb.timing.lead_in), seconds_to_samples(sb.timing.tail),
                                           q.fps)
        start_frame += run.timings[e.id].frames
    return run


def vtt_ms(stamp: str) -> int:
    return round(srt.srt_timestamp_to_timedelta(stamp.replace(".", ",")).total_seconds() * 1000)


def check_rules(run: Run, cues: list, video_samples: int, exhibits: list | None = None) -> None:
    """Every rule of the brief, on the cues and on the SRT and WebVTT parsed back."""
    for a, b in zip(cues, cues[1:]):
        assert a.end <= b.start
    for c in cues:
        assert 1 <= len(c.lines) <= 2 and all(len(line) <= LINE_CHARS for line in c.lines), c.lines
        assert 0 <= c.start and c.end <= video_samples
        assert SAMPLE_RATE <= c.end - c.start <= 7 * SAMPLE_RATE, (c, (c.end - c.start) / SAMPLE_RATE)
    parsed = list(srt.parse(to_srt(cues)))
    assert [p.content for p in parsed] == [c.text for c in cues]
    assert [round(p.start.total_seconds() * 1000) for p in parsed] == [ms(c.start) for c in cues]
    assert [round(p.end.total_seconds() * 1000) for p in parsed] == [ms(c.end) for c in cues]
    vtt = webvtt.from_string(to_vtt(cues))
    assert [html.unescape(v.text) for v in vtt] == [c.text for c in cues]
    assert [(vtt_ms(v.start), vtt_ms(v.end)) for v in vtt] == [(ms(c.start), ms(c.end)) for c in cues]
    # Words are never cut and none is lost: each beat's cues read back as its text.
    for e in exhibits or run.exhibits:
        for i, beat in enumerate(e.beats):
            said = " ".join(" ".join(c.lines) for c in cues if (c.exhibit_id, c.beat_index) == (e.id, i))
            assert said == " ".join(beat.narration.split())


def test_the_default_storyboards_narration_makes_good_cues() -> None:
    sb = load_storyboard(DEFAULT)
    for e in sb.exhibits:
        for b in e.beats:
            text = " ".join(b.narration.split())
            if not text:
                continue
            chunks = beat_chunks(text, round(len(text) / 15 * SAMPLE_RATE))
            assert " ".join(" ".join(lines) for _, _, lines in chunks) == text
            for (_, end, lines), (nxt, _, _) in zip(chunks, chunks[1:]):
                assert end == nxt  # they tile the speech
                last = lines[-1].split()[-1]
                # a cue ends at a phrase boundary, or before a conjunction, not after "a"/"the"/"of"
                assert last.lower() not in {"a", "an", "the", "of", "to"}, lines


def test_cuts_prefer_sentences_then_clauses_then_conjunctions() -> None:
    text = "The rule is simple: answer only when your confidence is above the target. Otherwise, say I don't know."
    chunks = beat_chunks(text, 7 * SAMPLE_RATE)
    assert [" ".join(lines) for *_, lines in chunks][-1] == "Otherwise, say I don't know."
    text = "The model gave three different dates, all of them wrong."
    cues = [lines for *_, lines in beat_chunks(text, 4 * SAMPLE_RATE)]
    assert cues == [("The model gave three different dates,", "all of them wrong.")]  # lines break at the comma
    # No punctuation: a cue starts at the conjunction, and a line too.
    text = "models guess " * 9 + "and then they guess again because the grading rewards a guess"
    last = beat_chunks(text.strip(), 10 * SAMPLE_RATE)[-1][2]
    assert last == ("and then they guess again", "because the grading rewards a guess")


def test_measured_sentence_and_word_starts_time_the_cues() -> None:
    text = "A blind guess at a birthday is right only one time in three hundred and sixty five. Guessing is almost always an error."
    speech = 8 * SAMPLE_RATE
    second = 6 * SAMPLE_RATE + 123  # the voice spent longer on the first sentence than its length suggests
    chunks = beat_chunks(text, speech, spoken_anchors(text, text, sentence_starts=(0, second)))
    assert [c for c in chunks if " ".join(c[2]).startswith("Guessing")][0][0] == second
    # Word times of the spoken form (the lexicon spelled out "365"): matched words take their time.
    written = text.replace("three hundred and sixty five", "365")
    words = text.split()
    times = tuple(WordTime(i * speech // len(words) + 7 * (i > 0)) for i in range(len(words)))
    for s, _, lines in beat_chunks(written, speech, spoken_anchors(written, text, times))[1:]:
        assert s == times[words.index(lines[0].split()[0])].start
    # Starts that do not match the text (another sentence split) fall back to characters.
    assert spoken_anchors(text, text, sentence_starts=(0, 5, 9)) == []
    assert beat_chunks(text, speech, [(3, speech + 1), (9, -5)]) == beat_chunks(text, speech)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(PUNCT)), min_size=2, max_size=45),
                         min_size=1, max_size=3), min_size=2, max_size=2),
       st.floats(min_value=10, max_value=20), st.sampled_from([15, 30]))
def test_every_cue_obeys_every_rule(beats: list, pace: float, fps: int) -> None:
    texts = [[" ".join(w + p for w, p in words) for words in exhibit] for exhibit in beats]
    run = run_for(texts, pace, fps)
    cues = build_cues(run, run.exhibits)
    total = frame_to_sample(sum(t.frames for t in run.timings.values()), fps)
    check_rules(run, cues, total)
    for e in run.exhibits:  # a cue for every narrated beat, starting on its first spoken sample
        t = run.timings[e.id]
        for b in t.beats:
            mine = [c for c in cues if (c.exhibit_id, c.beat_index) == (e.id, b.index)]
            spoken = frame_to_sample(t.start_frame + b.start_frame, fps) + b.speech_offset
            assert mine and mine[0].start <= spoken and mine[-1].end >= spoken + b.speech_samples - 1
    # Per-clip cues: the same cues, relative to the clip, inside it.
    second = run.exhibits[1]
    t = run.timings[second.id]
    clip = build_cues(run, [second], t.start_frame)
    check_rules(run, clip, frame_to_sample(t.frames, fps), [second])
    offset = frame_to_sample(t.start_frame, fps)
    whole = [c for c in cues if c.exhibit_id == second.id]
    assert [c.lines for c in clip] == [c.lines for c in whole]
    assert all(c.end <= frame_to_sample(t.frames, fps) for c in clip)
    assert all(abs((c.start + offset) - w.start) <= SAMPLE_RATE for c, w in zip(clip, whole))


def test_files_are_utf8_without_bom_and_vtt_escapes_markup(tmp_path: Path) -> None:
    run = run_for([["Naïve models — x < y & z > w, they said."], ["Done."]], 14)
    cues = build_cues(run, run.exhibits)
    write_captions(cues, srt=tmp_path / "a.srt", vtt=tmp_path / "a.vtt")
    for name in ("a.srt", "a.vtt"):
        raw = (tmp_path / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
        raw.decode("utf-8")
    vtt = (tmp_path / "a.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\n") and "&amp;" in vtt and "&lt;" in vtt and "<" not in vtt.replace("-->", "")
    assert "Naïve models —" in (tmp_path / "a.srt").read_text(encoding="utf-8")
    assert [html.unescape(c.text) for c in webvtt.read(str(tmp_path / "a.vtt"))] == [c.text for c in cues]


def test_burn_in_arguments_are_pinned() -> None:
    args = burn_captions_args(Path("in.mp4"), Path("/x/it's: a, [b].srt"), Path("o.mp4"), QUALITIES["hd"],
                              "Noto Serif", "#1B1B1B", "#F4F1EA")
    assert args[:13] == ["ffmpeg", "-y", "-nostdin", "-v", "error", "-i", "in.mp4", "-map", "0:v:0", "-map", "0:a:0",
                         "-sn", "-vf"]
    # two levels of escaping: the option parser's (\\ ' :) then the graph parser's (\\ ' [ ] , ;)
    assert args[13] == ("subtitles=filename=/x/it\\\\\\'s\\\\: a\\, \\[b\\].srt:charenc=UTF-8:force_style="
                        "FontName=Noto Serif\\,FontSize=16\\,PrimaryColour=&H001B1B1B\\,BorderStyle=3\\,"
                        "OutlineColour=&H30EAF1F4\\,Outline=2\\,Shadow=0\\,MarginV=12")
    assert args[14:] == [*video_encode_args(QUALITIES["hd"]), "-c:a", "copy", "-map_metadata", "0",
                         "-movflags", "+faststart", "o.mp4"]


def test_burning_reads_captions_from_any_path(tmp_path: Path) -> None:
    """ffmpeg's filter syntax gives quotes, colons, commas and brackets meaning; a caption file
    in a folder named with all of them is still found and drawn."""
    q = QUALITIES["preview"]
    folder = tmp_path / "it's [a], b; c: d\\e"
    folder.mkdir()
    src, burned = folder / "in.mp4", folder / "out.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", f"color=c=#F4F1EA:s={q.width}x{q.height}:r={q.fps}:d=2",
                    "-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", "2", "-c:v", "libx264", "-c:a", "aac",
                    str(src)], check=True)
    run = run_for([["Captions drawn into the frames."], ["Done."]], 14)
    write_captions(build_cues(run, run.exhibits), srt=folder / "c.srt")
    run_ffmpeg(burn_captions_args(src, folder / "c.srt", burned, q, "Noto Serif", "#1B1B1B", "#F4F1EA"), "burn")
    drawn = frame_at(burned, 1.0, tmp_path / "f.png")
    assert (drawn[-110:] < 100).mean() > 0.005 and (drawn[:300] < 100).mean() == 0  # ink in the caption area only


# --- a real render of the mini storyboard, with burned-in captions ---

@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    out = tmp_path_factory.mktemp("renders") / "out, [1]; x: y"  # the subtitles filter's escaping, too
    proc = run_cli("render", "all", "-s", str(MINI), "-q", "preview", "--out", str(out), "--burn-captions")
    assert proc.returncode == 0, proc.stderr
    run = start(RenderRequest(MINI, QUALITIES["preview"], out_root=out), None)
    narrate_stage(run)  # from the narration cache: the timeline the render used
    return out / "mini-test", run


@pytest.mark.render
def test_master_captions_follow_the_timeline_to_the_millisecond(rendered: tuple[Path, Run]) -> None:
    folder, run = rendered
    fps = run.quality.fps
    subs = list(srt.parse((folder / "mini-test.srt").read_text(encoding="utf-8")))
    vtt = webvtt.read(str(folder / "mini-test.vtt"))
    assert len(subs) == len(vtt) >= 2
    total = sum(t.frames for t in run.timings.values())
    assert subs[-1].end.total_seconds() <= total / fps
    starts = [round(s.start.total_seconds() * 1000) for s in subs]
    for e in run.exhibits:
        t = run.timings[e.id]
        for b in t.beats:
            if b.speech_samples:  # a cue starts on the beat's first spoken sample, to the ms
                assert ms(frame_to_sample(t.start_frame + b.start_frame, fps) + b.speech_offset) in starts
    check_rules(run, build_cues(run, run.exhibits), frame_to_sample(total, fps))


@pytest.mark.render
def test_mp4_carries_the_same_cues_as_mov_text(rendered: tuple[Path, Run], tmp_path: Path) -> None:
    folder, _ = rendered
    for mp4, captions in ((folder / "mini-test.mp4", folder / "mini-test.srt"),
                          *((c, c.with_suffix(".vtt")) for c in sorted((folder / "clips").glob("*.mp4")))):
        (sub,) = probe(mp4).of("subtitle")
        assert sub.codec == "mov_text"
        lang = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "s:0", "-show_entries",
                               "stream_tags=language", "-of", "csv=p=0", str(mp4)], capture_output=True, text=True)
        assert lang.stdout.strip() == "eng"
        back = tmp_path / f"{mp4.stem}.srt"
        subprocess.run(["ffmpeg", "-v", "error", "-i", str(mp4), "-map", "0:s:0", str(back)], check=True)
        inside = list(srt.parse(back.read_text(encoding="utf-8")))
        if captions.suffix == ".srt":
            beside = [(s.start, s.end, s.content) for s in srt.parse(captions.read_text(encoding="utf-8"))]
        else:
            beside = [(vtt_ms(v.start), vtt_ms(v.end), html.unescape(v.text)) for v in webvtt.read(str(captions))]
            inside = [(round(s.start.total_seconds() * 1000), round(s.end.total_seconds() * 1000), s.content)
                      for s in inside]
        assert [tuple(s) if isinstance(s, tuple) else (s.start, s.end, s.content) for s in inside] == beside, mp4.name
    # per-clip captions are relative to the clip: each clip's first cue starts at its lead-in
    for clip in ("title", "abstract"):
        assert webvtt.read(str(folder / "clips" / f"{clip}.vtt"))[0].start == "00:00:00.250"


def frame_at(video: Path, seconds: float, png: Path) -> np.ndarray:
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-ss", f"{seconds:.3f}", "-i", str(video), "-frames:v", "1",
                    "-f", "rawvideo", "-pix_fmt", "gray", str(png.with_suffix(".gray"))], check=True)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-ss", f"{seconds:.3f}", "-i", str(video), "-frames:v", "1",
                    str(png)], check=True)
    return np.fromfile(png.with_suffix(".gray"), dtype=np.uint8).reshape(480, 854).astype(np.int16)


@pytest.mark.render
def test_burned_captions_change_the_caption_area_only(rendered: tuple[Path, Run], tmp_path: Path) -> None:
    folder, _ = rendered
    burned = folder / "mini-test.burned.mp4"
    info = probe(burned, count_frames=True)
    assert not info.of("subtitle") and len(info.of("audio")) == 1
    assert info.of("video")[0].frames == probe(folder / "mini-test.mp4", count_frames=True).of("video")[0].frames
    first = next(srt.parse((folder / "mini-test.srt").read_text(encoding="utf-8")))
    at = (first.start + (first.end - first.start) / 2).total_seconds()
    clean = frame_at(folder / "mini-test.mp4", at, tmp_path / "clean.png")
    drawn = frame_at(burned, at, tmp_path / "burned.png")
    diff = np.abs(clean - drawn)
    bottom, top = diff[-110:], diff[:300]
    assert (bottom > 40).mean() > 0.01  # the caption's ink and box
    assert (top > 40).mean() < 0.001  # the scene itself is untouched (up to re-encoding)
