"""Publishing: the master's platform checks, chapters, description, thumbnail and posters, the
web kit's files and manifest, and the faults that must never reach the concatenation."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import struct
import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import webvtt
from PIL import Image

from conftest import run_cli
from explainer_anim.errors import StoryboardError, UserError
from explainer_anim.media import (concat_args, concat_list, frame_args, mux_args, normalize_clip_args, run_ffmpeg,
                                  silent_loop_args, web_mp4_args, webm_args)
from explainer_anim.probe import Chapter as ProbedChapter
from explainer_anim.probe import MediaInfo, Stream, probe
from explainer_anim.publish.chapters import (clock, description, group_chapters, plan_chapters, to_ffmetadata,
                                             to_webvtt)
from explainer_anim.publish.master_check import (CHECKS, MasterFacts, MasterSpec, master_problems,
                                                 read_master_facts, verify_clips_joinable, verify_master)
from explainer_anim.publish.mp4boxes import Box, top_level_boxes
from explainer_anim.publish.stills import beat_end_frame, thumbnail_source, write_still, write_thumbnail
from explainer_anim.publish.webkit import avc_codec, video_html
from explainer_anim.quality import QUALITIES
from explainer_anim.storyboard import load_storyboard
from explainer_anim.timeline import exhibit_timing

PREVIEW = QUALITIES["preview"]
HEADER = """version: 1
explainer:
  id: pub-test
  title: Why Language Models Hallucinate
  authors: [Adam Tauman Kalai, Ofir Nachum, Santosh S. Vempala, Edwin Zhang]
  paper:
    citation: "Kalai, Nachum, Vempala and Zhang (2025). Why Language Models Hallucinate."
    arxiv: "2509.04664"
    url: https://arxiv.org/abs/2509.04664
    year: 2025
  license: CC BY 4.0
  summary: "A test of publishing: chapters, thumbnail, posters and the web kit."
voice:
  engine: piper
"""
QUOTE = ('    quotes:\n      - text: "Like students facing hard exam questions, large language models sometimes guess '
         'when uncertain, producing plausible yet incorrect statements instead of admitting uncertainty."\n'
         "        section: Abstract\n        page: 1\n")


def storyboard_file(folder: Path, exhibits: str, top: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "storyboard.yaml"
    path.write_text(HEADER + top + "exhibits:\n" + exhibits, encoding="utf-8")
    return path


def exhibit_yaml(id_: str, scene: str, beats: str, section: str | None = None) -> str:
    text = f"  - id: {id_}\n    title: {id_.replace('-', ' ').title()}\n    scene: {scene}\n"
    text += f"    section: {section}\n" if section else ""
    return text + "    beats:\n" + beats + (QUOTE if scene == "QuoteCard" else "")


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-y", "-nostdin", "-v", "error", *args], check=True)


def make_testsrc(path: Path, size: str = "854x480", rate: int = 15, seconds: float = 1.0, audio: bool = False,
                 pix_fmt: str = "yuv420p") -> Path:
    """A real small clip, encoded plainly (not with the project's settings)."""
    inputs = ["-f", "lavfi", "-i", f"testsrc=size={size}:rate={rate}:duration={seconds}"]
    if audio:
        inputs += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
    ffmpeg(*inputs, "-c:v", "libx264", "-pix_fmt", pix_fmt, *(["-c:a", "aac"] if audio else []), str(path))
    return path


def sine_wav(path: Path, seconds: float) -> Path:
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}:sample_rate=48000", "-ac", "1", str(path))
    return path


def seconds(stamp: str) -> float:
    """A WebVTT time, HH:MM:SS.mmm, in seconds (webvtt-py's own rounds to whole seconds)."""
    h, m, s = stamp.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ----- MP4 boxes -----------------------------------------------------------------------------
def test_top_level_boxes_reads_32_bit_64_bit_and_to_the_end_sizes(tmp_path: Path) -> None:
    f = tmp_path / "boxes.mp4"
    f.write_bytes(struct.pack(">I4s", 16, b"ftyp") + b"isom\0\0\0\0"
                  + struct.pack(">I4sQ", 1, b"moov", 24) + b"\0" * 8
                  + struct.pack(">I4s", 0, b"mdat") + b"\1" * 40)
    assert top_level_boxes(f) == [Box("ftyp", 0, 16), Box("moov", 16, 24), Box("mdat", 40, 48)]
    f.write_bytes(struct.pack(">I4s", 100, b"ftyp") + b"\0" * 8)
    with pytest.raises(UserError, match="claims 100 bytes"):
        top_level_boxes(f)


def test_faststart_puts_moov_before_mdat_in_a_real_file(tmp_path: Path) -> None:
    late, early = tmp_path / "late.mp4", tmp_path / "early.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x64:rate=15:duration=0.5", "-c:v", "libx264", str(late))
    ffmpeg("-i", str(late), "-c", "copy", "-movflags", "+faststart", str(early))
    order = lambda p: [b.type for b in top_level_boxes(p) if b.type in ("moov", "mdat")]  # noqa: E731
    assert order(late) == ["mdat", "moov"] and order(early) == ["moov", "mdat"]
    facts = read_master_facts(late)
    assert "moov after mdat" in CHECKS["faststart"](facts, SPEC)
    assert CHECKS["faststart"](read_master_facts(early), SPEC) is None


# ----- the master's checks, each a pure function ------------------------------------------------
SPEC = MasterSpec(854, 480, 15, 30, "T", "A, B", "CC BY 4.0", captions=True,
                  chapters=((Fraction(0), "One"), (Fraction(1), "Two")))
VIDEO = Stream(0, "video", "h264", 2.0, 30, 854, 480, Fraction(15), "yuv420p", "High", level=30)
AUDIO = Stream(1, "audio", "aac", 2.0, None, profile="LC", sample_rate=48000, channels=1)
SUBS = Stream(2, "subtitle", "mov_text", 1.5, None)
GOOD = MasterFacts(
    MediaInfo(Path("m.mp4"), "mov,mp4", 2.0, (VIDEO, AUDIO, SUBS),
              {"title": "T", "artist": "A, B", "comment": "Kalai (2025) — quoted text CC BY 4.0"},
              (ProbedChapter(Fraction(0), Fraction(1), "One"), ProbedChapter(Fraction(1), Fraction(2), "Two"))),
    (Box("ftyp", 0, 32), Box("moov", 32, 900), Box("mdat", 932, 9000)),
    tuple(Fraction(n, 15) for n in range(30)))


def with_streams(*streams: Stream) -> MasterFacts:
    return dataclasses.replace(GOOD, info=dataclasses.replace(GOOD.info, streams=streams))


BROKEN = {
    "video codec": with_streams(dataclasses.replace(VIDEO, codec="hevc"), AUDIO, SUBS),
    "H.264 profile": with_streams(dataclasses.replace(VIDEO, profile="Main"), AUDIO, SUBS),
    "pixel format": with_streams(dataclasses.replace(VIDEO, pix_fmt="yuv444p"), AUDIO, SUBS),
    "dimensions": with_streams(dataclasses.replace(VIDEO, width=853), AUDIO, SUBS),
    "constant frame rate": dataclasses.replace(GOOD, video_pts=(*GOOD.video_pts[:10],
                                                                 *(p + Fraction(1, 1500) for p in GOOD.video_pts[10:]))),
    "audio codec": with_streams(VIDEO, dataclasses.replace(AUDIO, sample_rate=44100), SUBS),
    "stream durations": with_streams(VIDEO, dataclasses.replace(AUDIO, duration=2.1), SUBS),
    "faststart": dataclasses.replace(GOOD, boxes=(Box("ftyp", 0, 32), Box("mdat", 32, 9000), Box("moov", 9032, 900))),
    "metadata": dataclasses.replace(GOOD, info=dataclasses.replace(GOOD.info, tags={"title": "T", "artist": "A, B"})),
    "captions": with_streams(VIDEO, AUDIO),
    "chapters": dataclasses.replace(GOOD, info=dataclasses.replace(GOOD.info, chapters=GOOD.info.chapters[:1])),
}


def test_a_good_master_passes_every_check() -> None:
    assert master_problems(GOOD, SPEC) == []


@pytest.mark.parametrize("name", list(CHECKS))
def test_each_check_fails_alone_on_what_it_guards(name: str) -> None:
    assert [n for n, _ in master_problems(BROKEN[name], SPEC)] == [name]


def test_every_check_has_a_failing_case() -> None:
    assert set(BROKEN) == set(CHECKS)


def test_odd_width_and_missing_frames_are_named() -> None:
    assert "odd dimension" in CHECKS["dimensions"](BROKEN["dimensions"], SPEC)
    short = dataclasses.replace(GOOD, video_pts=GOOD.video_pts[:-1])
    assert CHECKS["constant frame rate"](short, SPEC) == "29 frames, planned 30"


# ----- faults: what must never reach the concatenation ----------------------------------------
@pytest.fixture(scope="module")
def fault_clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("faults")
    return {"no-audio": make_testsrc(d / "no-audio.mp4"),
            "with-audio": make_testsrc(d / "with-audio.mp4", audio=True),
            "24fps": make_testsrc(d / "24fps.mp4", rate=24),
            "small": make_testsrc(d / "small.mp4", size="640x360"),
            # 4:2:0 cannot be odd-sized, so an odd-width clip comes as 4:4:4 (as an RGB render would)
            "odd-width": make_testsrc(d / "odd-width.mp4", size="853x480", pix_fmt="yuv444p")}


def test_clips_as_they_come_are_refused_naming_each_clip(fault_clips: dict[str, Path]) -> None:
    for name in ("with-audio", "24fps", "small", "odd-width"):
        with pytest.raises(UserError) as err:
            verify_clips_joinable([("no-audio", fault_clips["no-audio"]), (name, fault_clips[name])], PREVIEW)
        assert f"clip {name}:" in str(err.value) and str(fault_clips[name]) in str(err.value)
        assert "clip no-audio:" not in str(err.value).replace(f"clip {name}", "")
    with pytest.raises(UserError, match=r"853x480, the video is 854x480"):
        verify_clips_joinable([("odd-width", fault_clips["odd-width"])], PREVIEW)
    with pytest.raises(UserError, match=r"24 frames/s, the video is 15"):
        verify_clips_joinable([("24fps", fault_clips["24fps"])], PREVIEW)


def test_normalized_clips_join_into_a_master_that_passes_every_check(fault_clips: dict[str, Path],
                                                                      tmp_path: Path) -> None:
    """normalize_clip_args (what every rendered clip goes through) fixes each fault; the joined
    video, muxed with a narration, captions and chapters, is a valid master."""
    norm = []
    for name, src in fault_clips.items():
        dst = tmp_path / f"{name}.mp4"
        run_ffmpeg(normalize_clip_args(src, dst, PREVIEW), f"normalize {name}")
        norm.append((name, dst))
    verify_clips_joinable(norm, PREVIEW)
    info = probe(norm[0][1])
    assert not info.of("audio") and info.of("video")[0].width == 854
    frames = [probe(p, count_frames=True).of("video")[0].frames for _, p in norm]
    assert frames == [15] * 5  # one second each, whatever rate it came at
    (tmp_path / "list.txt").write_text(concat_list([p for _, p in norm]))
    run_ffmpeg(concat_args(tmp_path / "list.txt", tmp_path / "video.mp4"), "join")
    srt = tmp_path / "c.srt"
    srt.write_text("1\n00:00:00,500 --> 00:00:02,000\nHello.\n\n", encoding="utf-8")
    chapters = tmp_path / "ch.txt"
    chapters.write_text(";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/15\nSTART=0\nEND=30\ntitle=One\n"
                        "[CHAPTER]\nTIMEBASE=1/15\nSTART=30\nEND=75\ntitle=Two\n")
    master = tmp_path / "master.mp4"
    run_ffmpeg(mux_args(tmp_path / "video.mp4", sine_wav(tmp_path / "n.wav", 5.0), master,
                        {"title": "T", "artist": "A, B", "comment": "quoted text CC BY 4.0"},
                        subtitles=srt, ffmetadata=chapters), "mux")
    verify_master(master, dataclasses.replace(SPEC, frames=75, chapters=((Fraction(0), "One"), (Fraction(2), "Two"))))
    with pytest.raises(UserError, match=r"fails 1 check\(s\).*metadata: title is 'T', not 'Other'"):
        verify_master(master, dataclasses.replace(SPEC, frames=75, title="Other",
                                                  chapters=((Fraction(0), "One"), (Fraction(2), "Two"))))


# ----- chapters -------------------------------------------------------------------------------
def timings_for(sb_path: Path, seconds: list[float]) -> tuple:
    sb = load_storyboard(sb_path)
    timings, start = {}, 0
    for e, s in zip(sb.exhibits, seconds, strict=True):
        n = len(e.beats)
        t = exhibit_timing(e.id, start, [round(s * 48000 / n)] * n, [0] * n, 0, 0, 15)
        timings[e.id] = t
        start += t.frames
    return sb, timings


def four_exhibits(tmp_path: Path, sections: tuple[str | None, ...] = (None,) * 4, top: str = "") -> Path:
    ids = ["title", "birthday", "bound", "fix"]
    return storyboard_file(tmp_path, "".join(
        exhibit_yaml(i, "QuoteCard", '      - narration: "Words."\n        step: quote\n', s)
        for i, s in zip(ids, sections)), top)


def test_one_chapter_per_exhibit_or_per_section(tmp_path: Path) -> None:
    sb, timings = timings_for(four_exhibits(tmp_path, (None, "The question", "The question", None)),
                              [12, 6, 7, 20])
    chapters = group_chapters(list(sb.exhibits), timings)
    assert [(c.title, c.start_frame, c.end_frame) for c in chapters] == [
        ("Title", 0, 180), ("The question", 180, 375), ("Fix", 375, 675)]
    assert plan_chapters(sb, list(sb.exhibits), timings, 15) == chapters


def test_fewer_than_three_chapters_means_none(tmp_path: Path) -> None:
    sb, timings = timings_for(four_exhibits(tmp_path, ("A", "A", "B", "B")), [3, 3, 3, 3])
    assert plan_chapters(sb, list(sb.exhibits), timings, 15) == []


def test_a_short_chapter_is_an_error_naming_its_exhibit_and_line(tmp_path: Path) -> None:
    path = four_exhibits(tmp_path)
    sb, timings = timings_for(path, [12, 15, 9.9, 20])
    with pytest.raises(StoryboardError) as err:
        plan_chapters(sb, list(sb.exhibits), timings, 15)
    line = next(i for i, s in enumerate(path.read_text().splitlines(), 1) if "id: bound" in s)
    assert str(err.value).startswith(f"{path}:{line}:")
    assert "exhibits[2]: chapter 'Bound' (exhibit 'bound') lasts 9.9s" in str(err.value)


def test_chapter_files_agree_with_the_timeline(tmp_path: Path) -> None:
    sb, timings = timings_for(four_exhibits(tmp_path), [12, 61, 3600, 20])
    chapters = plan_chapters(sb, list(sb.exhibits), timings, 15)
    meta = to_ffmetadata(chapters, 15)
    assert meta.startswith(";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/15\nSTART=0\nEND=180\ntitle=Title\n")
    vtt = tmp_path / "chapters.vtt"
    vtt.write_text(to_webvtt(chapters, 15), encoding="utf-8")
    cues = webvtt.read(str(vtt))
    assert [(c.start, c.end, c.text) for c in cues][:2] == [
        ("00:00:00.000", "00:00:12.000", "Title"), ("00:00:12.000", "00:01:13.000", "Birthday")]
    assert [clock(c.start_frame, 15) for c in chapters] == ["0:00", "0:12", "1:13", "1:01:13"]


def test_ffmetadata_escapes_what_its_parser_reads_as_syntax() -> None:
    from explainer_anim.publish.chapters import Chapter
    text = to_ffmetadata([Chapter("a=b; c#d\\e", 0, 10, ())], 15)
    assert "title=a\\=b\\; c\\#d\\\\e\n" in text


def test_description_has_summary_citation_chapters_and_attribution(tmp_path: Path) -> None:
    sb, timings = timings_for(four_exhibits(tmp_path), [12, 15, 11, 20])
    text = description(sb.meta, plan_chapters(sb, list(sb.exhibits), timings, 15), 15)
    lines = text.splitlines()
    assert lines[0] == "Why Language Models Hallucinate"
    assert sb.meta.summary in text and sb.meta.paper.citation in text and sb.meta.paper.url in text
    i = lines.index("Chapters")
    assert lines[i + 1: i + 5] == ["0:00 Title", "0:12 Birthday", "0:27 Bound", "0:38 Fix"]
    assert ("by Adam Tauman Kalai, Ofir Nachum, Santosh S. Vempala, Edwin Zhang (https://arxiv.org/abs/2509.04664), "
            "licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)") in text
    assert "Chapters" not in description(sb.meta, [], 15)
    titled = dataclasses.replace(sb.meta, paper=dataclasses.replace(sb.meta.paper, title="The Paper's Own Title"))
    assert "are from “The Paper's Own Title” by" in description(titled, [], 15)


# ----- storyboard: thumbnail and section -------------------------------------------------------
@pytest.mark.parametrize("top, sections, where, message", [
    ("thumbnail: {exhibit: nope}\n", (None,) * 4, "thumbnail.exhibit", "no exhibit 'nope'"),
    ("thumbnail: {exhibit: fix, beat: 2}\n", (None,) * 4, "thumbnail.beat", "exhibit 'fix' has 1 beats"),
    ("thumbnail: {exhibit: fix, beat: 0}\n", (None,) * 4, "thumbnail.beat", "must be 1 or more"),
    ("thumbnail: {exhibit: fix, frame: 3}\n", (None,) * 4, "thumbnail.frame", "unknown field"),
    ("", ("A", "B", "A", None), "exhibits[2].section", "section 'A' ended at exhibit 'title'"),
])
def test_bad_thumbnail_or_section_is_a_located_error(tmp_path: Path, top: str, sections: tuple, where: str,
                                                     message: str) -> None:
    path = four_exhibits(tmp_path, sections, top)
    proc = run_cli("validate", str(path))
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"error: {path}:") and f": {where}: {message}" in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) <= 2


def test_thumbnail_defaults_to_the_title_card_and_follows_the_storyboard(tmp_path: Path) -> None:
    sb = load_storyboard(storyboard_file(tmp_path / "a", exhibit_yaml("intro", "QuoteCard", "      - hold: 1\n")
                                         + exhibit_yaml("title", "TitleCard", "      - hold: 1\n")))
    assert (thumbnail_source(sb)[0].id, thumbnail_source(sb)[1]) == ("title", None)
    sb = load_storyboard(four_exhibits(tmp_path / "b", top="thumbnail: {exhibit: bound, beat: 1}\n"))
    assert (thumbnail_source(sb)[0].id, thumbnail_source(sb)[1]) == ("bound", 1)
    t = exhibit_timing("x", 100, [48000, 0, 24000], [0, 24000, 0], 0, 0, 15)
    assert [beat_end_frame(t, b) for b in (1, 2, 3, None)] == [14, 22, 30, 30]  # 15, 8 and 8 frames


# ----- stills ---------------------------------------------------------------------------------
def test_stills_are_the_exact_frame_and_the_thumbnail_is_1280x720(tmp_path: Path) -> None:
    numbered = tmp_path / "numbered.mp4"  # frame n is grey level 4n
    ffmpeg("-f", "lavfi", "-i", "color=black:s=853x480:r=15:d=3,format=gray,geq=lum='4*N'",
           "-pix_fmt", "yuv444p", "-c:v", "libx264", "-qp", "0", str(numbered))
    for n in (0, 1, 29, 44):
        still = tmp_path / f"f{n}.png"
        write_still(numbered, n, still, "a test still")
        level = np.asarray(Image.open(still).convert("L"), dtype=float).mean()
        assert abs(level - 4 * n) < 2, (n, level)
    thumb = tmp_path / "thumb.jpg"
    write_thumbnail(numbered, 30, thumb)
    with Image.open(thumb) as im:
        assert (im.format, im.size) == ("JPEG", (1280, 720))
        assert abs(np.asarray(im.convert("L"), dtype=float).mean() - 120) < 3
    assert thumb.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(UserError, match="no frame 99"):
        write_still(numbered, 99, tmp_path / "none.png", "a test still")


# ----- media arguments and HTML -----------------------------------------------------------------
def test_web_media_arguments_are_pinned() -> None:
    assert frame_args(Path("c.mp4"), 7, Path("p.jpg")) == [
        "ffmpeg", "-y", "-nostdin", "-v", "error", "-i", "c.mp4", "-vf", "select=eq(n\\,7)",
        "-fps_mode", "passthrough", "-frames:v", "1", "-q:v", "2", "-update", "1", "p.jpg"]
    assert frame_args(Path("c.mp4"), 7, Path("t.jpg"), (1280, 720))[8] == (
        "select=eq(n\\,7),scale=1280:720:force_original_aspect_ratio=increase,crop=1280:720,setsar=1")
    assert web_mp4_args(Path("a"), Path("b"))[6:] == ["a", "-map", "0:v:0", "-map", "0:a:0", "-c", "copy",
                                                      "-movflags", "+faststart", "b"]
    assert silent_loop_args(Path("a"), Path("b"))[-8:] == ["-c", "copy", "-an", "-sn", "-dn", "-movflags",
                                                           "+faststart", "b"]
    w = webm_args(Path("a"), Path("b"), 15)
    assert w[w.index("-c:v") + 1] == "libvpx-vp9" and w[w.index("-c:a") + 1] == "libopus" and w[w.index("-g") + 1] == "30"


def test_avc_codec_string_follows_rfc_6381() -> None:
    assert avc_codec(VIDEO) == "avc1.64001e"
    assert avc_codec(dataclasses.replace(VIDEO, level=40)) == "avc1.640028"
    with pytest.raises(UserError):
        avc_codec(dataclasses.replace(VIDEO, profile="High 4:4:4 Predictive"))


def test_player_markup_has_poster_both_sources_and_default_captions() -> None:
    entry = {"id": "t", "width": 854, "height": 480, "poster": {"path": "t/t.poster.jpg"},
             "captions": {"path": "t/t.vtt", "srclang": "en"},
             "files": [{"kind": "video", "path": "t/t.mp4", "type": 'video/mp4; codecs="avc1.64001e, mp4a.40.2"'},
                       {"kind": "video", "path": "t/t.webm", "type": 'video/webm; codecs="vp9, opus"'},
                       {"kind": "silent-loop", "path": "t/t.loop.mp4", "type": "video/mp4"}]}
    html = video_html(entry, prefix="t/")
    assert html.startswith('<video controls preload="metadata" playsinline width="854" height="480" '
                           'poster="t.poster.jpg">')
    assert '<source src="t.mp4" type="video/mp4; codecs=&quot;avc1.64001e, mp4a.40.2&quot;">' in html
    assert html.index("t.mp4") < html.index("t.webm") and "loop" not in html
    assert '<track kind="captions" src="t.vtt" srclang="en" label="English" default>' in html
    assert 'src="t/t.mp4"' in video_html(entry)


# ----- a real render: master, chapters, description, thumbnail, posters, web kit ----------------
SPOKEN = '      - narration: "{}"\n        step: {}\n        hold: {}\n'


def pub_storyboard(folder: Path, end_words: str = "That is the whole test.",
                   again_section: str | None = "The abstract") -> Path:
    """Four exhibits, three chapters: the short third exhibit shares its section with the second."""
    return storyboard_file(folder, "".join([
        exhibit_yaml("title", "TitleCard", SPOKEN.format("A test of publishing.", "all", 9)),
        exhibit_yaml("abstract", "QuoteCard", SPOKEN.format("The abstract compares models to students.", "quote", 7),
                     "The abstract"),
        exhibit_yaml("again", "QuoteCard", "      - hold: 2\n        step: quote\n", again_section),
        exhibit_yaml("end", "QuoteCard", SPOKEN.format(end_words, "quote", 9)),
    ]))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("publish")
    sb = pub_storyboard(root / "sb")
    proc = run_cli("render", "all", "--storyboard", str(sb), "--quality", "preview", "--out", str(root / "renders"))
    assert proc.returncode == 0, proc.stderr
    return sb, root / "renders" / "pub-test"


@pytest.mark.render
def test_the_master_passes_the_platform_checks_with_chapters_inside(rendered: tuple[Path, Path]) -> None:
    _, folder = rendered
    facts = read_master_facts(folder / "pub-test.mp4")
    titles = [c.title for c in facts.info.chapters]
    assert titles == ["Title", "The abstract", "End"]
    assert facts.info.chapters[0].start == 0 and all(c.end - c.start >= 10 for c in facts.info.chapters)
    assert facts.info.tags["title"] == "Why Language Models Hallucinate"
    assert "CC BY 4.0" in facts.info.tags["comment"]
    frames = len(facts.video_pts)
    spec = MasterSpec(854, 480, 15, frames, facts.info.tags["title"], facts.info.tags["artist"], "CC BY 4.0",
                      captions=bool(facts.info.of("subtitle")),
                      chapters=tuple((c.start, c.title) for c in facts.info.chapters))
    assert master_problems(facts, spec) == []
    cues = webvtt.read(str(folder / "pub-test.chapters.vtt"))
    assert [c.text for c in cues] == titles
    for cue, ch in zip(cues, facts.info.chapters):
        assert abs(seconds(cue.start) - float(ch.start)) < 0.0015


@pytest.mark.render
def test_description_lists_the_chapters_of_the_master(rendered: tuple[Path, Path]) -> None:
    _, folder = rendered
    text = (folder / "description.txt").read_text(encoding="utf-8")
    chapters = probe(folder / "pub-test.mp4").chapters
    listed = [line for line in text.splitlines() if line[:1].isdigit() and ":" in line.split()[0]]
    assert listed == [f"{clock(int(c.start * 15), 15)} {c.title}" for c in chapters]
    assert listed[0].startswith("0:00 ") and "CC BY 4.0" in text


@pytest.mark.render
def test_thumbnail_is_the_title_cards_last_frame_and_posters_each_clips(rendered: tuple[Path, Path]) -> None:
    _, folder = rendered
    with Image.open(folder / "thumbnail.jpg") as im:
        assert (im.format, im.size) == ("JPEG", (1280, 720))
        thumb = np.asarray(im.convert("L").resize((854, 480)), dtype=float)
    assert (folder / "thumbnail.jpg").stat().st_size < 2 * 1024 * 1024
    posters = {i: np.asarray(Image.open(folder / "web" / i / f"{i}.poster.jpg").convert("L"), dtype=float)
               for i in ("title", "abstract", "again", "end")}
    assert all(p.shape == (480, 854) for p in posters.values())
    diff = {i: np.abs(thumb - p).mean() for i, p in posters.items()}
    assert diff["title"] < 2 and min(diff["abstract"], diff["end"]) > 4 * diff["title"], diff


@pytest.mark.render
def test_web_kit_files_and_manifest(rendered: tuple[Path, Path]) -> None:
    _, folder = rendered
    web = folder / "web"
    manifest = json.loads((web / "manifest.json").read_text(encoding="utf-8"))
    assert [c["id"] for c in manifest["clips"]] == ["title", "abstract", "again", "end"]
    for clip in manifest["clips"]:
        files = {f["role"]: f for f in clip["files"]}
        for f in [*clip["files"], clip["poster"], clip["captions"]]:
            assert not f["path"].startswith(("/", "http")) and (web / f["path"]).stat().st_size == f["bytes"]
        mp4, webm, loop = (probe(web / files[r]["path"]) for r in ("mp4", "webm", "loop"))
        assert [(s.kind, s.codec) for s in mp4.streams] == [("video", "h264"), ("audio", "aac")]
        assert [(s.kind, s.codec) for s in webm.streams] == [("video", "vp9"), ("audio", "opus")]
        assert [(s.kind, s.codec) for s in loop.streams] == [("video", "h264")]
        assert [b.type for b in top_level_boxes(web / files["mp4"]["path"]) if b.type in ("moov", "mdat")] == [
            "moov", "mdat"]
        assert files["mp4"]["type"].startswith('video/mp4; codecs="avc1.64') and files["webm"]["mime"] == "video/webm"
        assert abs(mp4.duration - clip["duration"]) < 0.1 and clip["frames"] == round(clip["duration"] * 15)
        assert clip["values"] == json.loads((folder / "clips" / f"{clip['id']}.values.json").read_text())
        cues = webvtt.read(str(web / clip["captions"]["path"]))
        assert len(cues) == clip["captions"]["cues"]
        assert all(seconds(c.end) <= clip["duration"] + 1e-3 for c in cues)
        if cues:
            assert abs(seconds(cues[0].start) - 0.25) < 0.002  # the lead-in, from the clip's own start
        embed = (web / clip["embed"]).read_text(encoding="utf-8")
        assert f'src="{clip["id"]}.mp4"' in embed and f'poster="{clip["id"]}.poster.jpg"' in embed
    quotes = manifest["clips"][1]["quotes"]
    assert quotes[0]["citation"] == "Kalai et al. (2025), Abstract, p. 1"
    index = (web / "index.html").read_text(encoding="utf-8")
    assert all(f'src="{c["id"]}/{c["id"]}.mp4"' in index for c in manifest["clips"])


@pytest.mark.render
def test_a_too_short_chapter_stops_the_render_before_anything_is_lost(rendered: tuple[Path, Path],
                                                                       tmp_path: Path) -> None:
    sb, folder = rendered
    before = {p: sha(p) for p in folder.rglob("*") if p.is_file() and ".work" not in p.parts}
    short = pub_storyboard(tmp_path, again_section=None)
    proc = run_cli("render", "all", "--storyboard", str(short), "--quality", "preview", "--out", str(folder.parent))
    assert proc.returncode == 2, proc.stderr
    err = proc.stderr.strip().splitlines()[-1]
    assert f"{short}:" in err and "exhibits[2]: chapter 'Again' (exhibit 'again') lasts" in err
    assert {p: sha(p) for p in before} == before


@pytest.mark.render
def test_rendering_one_clip_updates_only_its_web_entry(rendered: tuple[Path, Path], tmp_path: Path) -> None:
    sb, folder = rendered
    web = folder / "web"
    old = {c["id"]: c for c in json.loads((web / "manifest.json").read_text())["clips"]}
    kept = {p: sha(p) for p in web.glob("title/*")}
    master = sha(folder / "pub-test.mp4")
    longer = pub_storyboard(tmp_path, "That is the whole test, said at a little more length than before.")
    proc = run_cli("render", "end", "--storyboard", str(longer), "--quality", "preview", "--out", str(folder.parent))
    assert proc.returncode == 0, proc.stderr
    new = {c["id"]: c for c in json.loads((web / "manifest.json").read_text())["clips"]}
    assert list(new) == list(old)
    assert new["end"]["duration"] > old["end"]["duration"]
    assert all(new[i] == old[i] for i in ("title", "abstract", "again"))
    assert {p: sha(p) for p in kept} == kept and sha(folder / "pub-test.mp4") == master


@pytest.mark.render
def test_a_failed_web_transcode_names_the_clip_and_leaves_master_and_kit(rendered: tuple[Path, Path]) -> None:
    from explainer_anim.pipeline import RenderRequest, narrate_stage, start
    from explainer_anim.publish.webkit import publish_web_kit

    sb, folder = rendered
    run = start(RenderRequest(sb, PREVIEW, out_root=folder.parent), None)
    narrate_stage(run)  # from the narration cache
    kept = {p: sha(p) for p in [folder / "pub-test.mp4", *(folder / "web").rglob("*")] if p.is_file()}
    clip = folder / "clips" / "title.mp4"
    good = clip.read_bytes()
    clip.write_bytes(good[:2000])  # a damaged clip: ffmpeg cannot read it
    try:
        with pytest.raises(UserError) as err:
            publish_web_kit(run)
    finally:
        clip.write_bytes(good)
    assert "clip 'title'" in str(err.value) and "web kit not updated" in str(err.value)
    assert {p: sha(p) for p in kept} == kept
    assert not list((folder / "web").glob(".staging-*"))


def test_theme_font_lists_become_css_families() -> None:
    from explainer_anim.publish.webkit import css_families

    assert css_families("Noto Serif, DejaVu Serif") == "'Noto Serif','DejaVu Serif'"
    assert css_families("Noto Sans") == "'Noto Sans'"
