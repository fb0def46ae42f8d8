"""What a platform needs of a master, each rule a small pure function over ffprobe data.

A check returns None when the file passes it, or a one-line statement of what is wrong. A
master that fails any check is not published: the renderer stops and names the check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ..errors import UserError
from ..probe import MediaInfo, Stream, packet_times, probe
from ..quality import SAMPLE_RATE, Quality
from .mp4boxes import Box, top_level_boxes

CHAPTER_TOLERANCE = Fraction(1, 1000)  # MP4 stores chapter times in milliseconds


@dataclass(frozen=True)
class MasterSpec:
    """What the master must be: the render's picture, timeline, metadata, captions, chapters."""

    width: int
    height: int
    fps: int
    frames: int
    title: str
    artist: str
    license: str
    captions: bool = False
    chapters: tuple[tuple[Fraction, str], ...] = ()  # (start in seconds, title)


@dataclass(frozen=True)
class MasterFacts:
    """Everything the checks look at, read from the file once."""

    info: MediaInfo
    boxes: tuple[Box, ...]
    video_pts: tuple[Fraction, ...]


Check = Callable[[MasterFacts, MasterSpec], str | None]


def _one(facts: MasterFacts, kind: str) -> Stream | None:
    streams = facts.info.of(kind)
    return streams[0] if len(streams) == 1 else None


def check_video_codec(facts: MasterFacts, spec: MasterSpec) -> str | None:
    streams = facts.info.of("video")
    if len(streams) != 1:
        return f"expected one video stream, found {len(streams)}"
    return None if streams[0].codec == "h264" else f"video codec is {streams[0].codec}, not h264"


def check_profile(facts: MasterFacts, spec: MasterSpec) -> str | None:
    v = _one(facts, "video")
    return None if v and v.profile == "High" else f"H.264 profile is {v and v.profile}, not High"


def check_pixel_format(facts: MasterFacts, spec: MasterSpec) -> str | None:
    v = _one(facts, "video")
    return None if v and v.pix_fmt == "yuv420p" else f"pixel format is {v and v.pix_fmt}, not yuv420p"


def check_dimensions(facts: MasterFacts, spec: MasterSpec) -> str | None:
    v = _one(facts, "video")
    if v is None or v.width is None or v.height is None:
        return "no picture size"
    if v.width % 2 or v.height % 2:
        return f"{v.width}x{v.height} has an odd dimension (4:2:0 needs even ones)"
    if (v.width, v.height) != (spec.width, spec.height):
        return f"{v.width}x{v.height}, rendered at {spec.width}x{spec.height}"
    return None


def check_constant_frame_rate(facts: MasterFacts, spec: MasterSpec) -> str | None:
    """Every frame exactly 1/fps after the one before it, from 0, and as many as planned."""
    pts = sorted(facts.video_pts)
    if len(pts) != spec.frames:
        return f"{len(pts)} frames, planned {spec.frames}"
    step = Fraction(1, spec.fps)
    if pts and pts[0] != 0:
        return f"the first frame is at {float(pts[0]):.6f}s, not 0"
    for n, (a, b) in enumerate(zip(pts, pts[1:]), 1):
        if b - a != step:
            return f"frame {n} follows the one before it after {float(b - a):.6f}s, not 1/{spec.fps}s"
    return None


def check_audio(facts: MasterFacts, spec: MasterSpec) -> str | None:
    streams = facts.info.of("audio")
    if len(streams) != 1:
        return f"expected one audio stream, found {len(streams)}"
    a = streams[0]
    if a.codec != "aac" or a.profile != "LC":
        return f"audio is {a.codec} {a.profile}, not AAC-LC"
    return None if a.sample_rate == SAMPLE_RATE else f"audio at {a.sample_rate} Hz, not {SAMPLE_RATE}"


def check_durations(facts: MasterFacts, spec: MasterSpec) -> str | None:
    v, a = _one(facts, "video"), _one(facts, "audio")
    if v is None or a is None or v.duration is None or a.duration is None:
        return "a stream has no duration"
    if abs(v.duration - a.duration) > 1.0 / spec.fps + 1e-6:
        return f"video lasts {v.duration:.3f}s but audio {a.duration:.3f}s (more than one frame apart)"
    return None


def check_faststart(facts: MasterFacts, spec: MasterSpec) -> str | None:
    """The index (moov) before the media data (mdat): playback starts before the download ends."""
    order = [b.type for b in facts.boxes]
    if "moov" not in order or "mdat" not in order:
        return f"top-level boxes are {order}: no moov or no mdat"
    return None if order.index("moov") < order.index("mdat") else f"moov after mdat (boxes: {' '.join(order)})"


def check_metadata(facts: MasterFacts, spec: MasterSpec) -> str | None:
    tags = facts.info.tags
    for key, want in (("title", spec.title), ("artist", spec.artist)):
        if tags.get(key) != want:
            return f"{key} is {tags.get(key)!r}, not {want!r}"
    if spec.license not in tags.get("comment", ""):
        return f"the comment {tags.get('comment')!r} does not state the licence {spec.license!r}"
    return None


def check_captions(facts: MasterFacts, spec: MasterSpec) -> str | None:
    subs = facts.info.of("subtitle")
    if not spec.captions:
        return None
    if len(subs) != 1 or subs[0].codec != "mov_text":
        return f"expected one mov_text caption track, found {[s.codec for s in subs]}"
    return None


def check_chapters(facts: MasterFacts, spec: MasterSpec) -> str | None:
    found = facts.info.chapters
    if len(found) != len(spec.chapters):
        return f"{len(found)} chapters, planned {len(spec.chapters)}"
    for have, (start, title) in zip(found, spec.chapters):
        if have.title != title or abs(have.start - start) > CHAPTER_TOLERANCE:
            return f"chapter {have.title!r} at {float(have.start):.3f}s, planned {title!r} at {float(start):.3f}s"
    return None


CHECKS: dict[str, Check] = {
    "video codec": check_video_codec,
    "H.264 profile": check_profile,
    "pixel format": check_pixel_format,
    "dimensions": check_dimensions,
    "constant frame rate": check_constant_frame_rate,
    "audio codec": check_audio,
    "stream durations": check_durations,
    "faststart": check_faststart,
    "metadata": check_metadata,
    "captions": check_captions,
    "chapters": check_chapters,
}


def master_problems(facts: MasterFacts, spec: MasterSpec) -> list[tuple[str, str]]:
    """(check name, problem) for every check the master fails."""
    found = ((name, check(facts, spec)) for name, check in CHECKS.items())
    return [(name, problem) for name, problem in found if problem]


def read_master_facts(path: Path) -> MasterFacts:
    return MasterFacts(probe(path), tuple(top_level_boxes(path)), tuple(packet_times(path)))


def verify_master(path: Path, spec: MasterSpec) -> None:
    problems = master_problems(read_master_facts(path), spec)
    if problems:
        listed = "; ".join(f"{name}: {problem}" for name, problem in problems)
        raise UserError(f"the master fails {len(problems)} check(s) and was not published — {listed}")


def clip_problems(name: str, info: MediaInfo, q: Quality) -> list[str]:
    """Why the silent clip ``name`` cannot be joined by stream copy with clips made for ``q``.

    Joining copies every clip's stream as it is, so one clip of another size, rate, codec or
    pixel format would corrupt the master; audio is laid on the joined video afterwards, so a
    clip must carry none."""
    v = info.of("video")
    if len(v) != 1:
        return [f"clip {name}: {len(v)} video streams, not 1"]
    s = v[0]
    problems = []
    if (s.codec, s.profile, s.pix_fmt) != ("h264", "High", "yuv420p"):
        problems.append(f"clip {name}: {s.codec} {s.profile} {s.pix_fmt}, not h264 High yuv420p")
    if (s.width, s.height) != (q.width, q.height):
        problems.append(f"clip {name}: {s.width}x{s.height}, the video is {q.width}x{q.height}")
    if s.fps != q.fps:
        problems.append(f"clip {name}: {float(s.fps or 0):g} frames/s, the video is {q.fps}")
    if info.of("audio"):
        problems.append(f"clip {name}: has an audio stream; clips are joined silent")
    return problems


def verify_clips_joinable(clips: list[tuple[str, Path]], q: Quality) -> None:
    """Stop before the join when any clip differs from the settings every clip is encoded to."""
    problems, bad = [], []
    for name, path in clips:
        found = clip_problems(name, probe(path), q)
        problems += found
        bad += [str(path)] if found else []
    if problems:
        raise UserError(f"cannot join the clips: {'; '.join(problems)}. Delete {' '.join(bad)} to re-render them")
