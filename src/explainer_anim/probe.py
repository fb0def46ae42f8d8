"""ffprobe, read once per file into a small typed summary."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from .errors import UserError


@dataclass(frozen=True)
class Stream:
    index: int
    kind: str  # "video", "audio", "subtitle", "data"
    codec: str
    duration: float | None
    frames: int | None
    width: int | None = None
    height: int | None = None
    fps: Fraction | None = None
    pix_fmt: str | None = None
    profile: str | None = None
    sample_rate: int | None = None
    channels: int | None = None
    level: int | None = None  # H.264 level x10 (31 is 3.1), for a codecs="avc1..." string
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Chapter:
    start: Fraction  # seconds
    end: Fraction
    title: str


@dataclass(frozen=True)
class MediaInfo:
    path: Path
    format_name: str
    duration: float
    streams: tuple[Stream, ...]
    tags: dict[str, str]
    chapters: tuple[Chapter, ...] = ()

    def of(self, kind: str) -> list[Stream]:
        return [s for s in self.streams if s.kind == kind]


def probe(path: Path, count_frames: bool = False) -> MediaInfo:
    args = ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-show_chapters", "-of", "json"]
    if count_frames:
        args.insert(3, "-count_frames")
    proc = subprocess.run([*args, str(path)], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise UserError(f"{path}: not a readable media file: {proc.stderr.strip().splitlines()[-1:]}")
    data = json.loads(proc.stdout)
    streams = []
    for s in data.get("streams", []):
        frames = s.get("nb_read_frames") if count_frames else s.get("nb_frames")
        rate = s.get("avg_frame_rate") if s.get("codec_type") == "video" else None
        streams.append(Stream(
            index=s["index"], kind=s.get("codec_type", "?"), codec=s.get("codec_name", "?"),
            duration=float(s["duration"]) if "duration" in s else None,
            frames=int(frames) if frames not in (None, "N/A") else None,
            width=s.get("width"), height=s.get("height"),
            fps=Fraction(rate) if rate and rate != "0/0" else None,
            pix_fmt=s.get("pix_fmt"), profile=s.get("profile"),
            sample_rate=int(s["sample_rate"]) if "sample_rate" in s else None,
            channels=s.get("channels"),
            level=s.get("level") if s.get("codec_type") == "video" else None,
            tags={k.lower(): v for k, v in s.get("tags", {}).items()},
        ))
    chapters = tuple(Chapter(int(c["start"]) * Fraction(c["time_base"]), int(c["end"]) * Fraction(c["time_base"]),
                             c.get("tags", {}).get("title", "")) for c in data.get("chapters", []))
    fmt = data.get("format", {})
    return MediaInfo(path, fmt.get("format_name", "?"), float(fmt.get("duration", 0.0)), tuple(streams),
                     {k.lower(): v for k, v in fmt.get("tags", {}).items()}, chapters)


def packet_times(path: Path, stream: str = "v:0") -> list[Fraction]:
    """Every packet's presentation time in seconds, exactly, in file order."""
    args = ["ffprobe", "-v", "error", "-select_streams", stream, "-show_entries", "stream=time_base:packet=pts",
            "-of", "json", str(path)]
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise UserError(f"{path}: not a readable media file: {proc.stderr.strip().splitlines()[-1:]}")
    data = json.loads(proc.stdout)
    streams = data.get("streams", [])
    if not streams:
        return []
    base = Fraction(streams[0]["time_base"])
    return [int(p["pts"]) * base for p in data.get("packets", []) if "pts" in p]
