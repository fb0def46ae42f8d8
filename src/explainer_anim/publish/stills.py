"""Still frames taken from the silent clips at exact frame indices of the timeline: the video's
thumbnail and each exhibit's poster."""

from __future__ import annotations

from pathlib import Path

from ..errors import UserError
from ..media import frame_args, run_ffmpeg
from ..probe import probe
from ..storyboard import Exhibit, Storyboard
from ..timeline import ExhibitTiming

THUMBNAIL_SIZE = (1280, 720)
MAX_THUMBNAIL_BYTES = 2 * 1024 * 1024  # the platforms' upload limit


def beat_end_frame(timing: ExhibitTiming, beat: int | None = None) -> int:
    """The last frame of ``beat`` (1-based; None: the last beat), from the exhibit's first frame:
    the beat's finished picture, before the next beat changes it."""
    b = timing.beats[-1 if beat is None else beat - 1]
    return b.start_frame + b.frames - 1


def thumbnail_source(storyboard: Storyboard) -> tuple[Exhibit, int | None]:
    """The exhibit and beat the storyboard names, else the title card's (else the first
    exhibit's) last beat."""
    if storyboard.thumbnail is not None:
        return storyboard.exhibit(storyboard.thumbnail.exhibit), storyboard.thumbnail.beat
    return next((e for e in storyboard.exhibits if e.scene == "TitleCard"), storyboard.exhibits[0]), None


def write_still(clip: Path, frame: int, dst: Path, what: str, size: tuple[int, int] | None = None) -> None:
    run_ffmpeg(frame_args(clip, frame, dst, size), f"take {what} from frame {frame} of {clip.name}")
    if not dst.exists() or not dst.stat().st_size:
        raise UserError(f"{clip}: has no frame {frame} to take {what} from")


def write_thumbnail(clip: Path, frame: int, dst: Path) -> None:
    """A 1280x720 JPEG under the platforms' 2 MB limit, checked after writing."""
    write_still(clip, frame, dst, "the thumbnail", THUMBNAIL_SIZE)
    v = probe(dst).of("video")[0]
    if (v.width, v.height) != THUMBNAIL_SIZE:
        raise UserError(f"thumbnail: {v.width}x{v.height}, not {THUMBNAIL_SIZE[0]}x{THUMBNAIL_SIZE[1]}")
    if dst.stat().st_size >= MAX_THUMBNAIL_BYTES:
        raise UserError(f"thumbnail: {dst.stat().st_size} bytes, platforms take under {MAX_THUMBNAIL_BYTES}")
