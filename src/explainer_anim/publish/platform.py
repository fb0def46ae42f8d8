"""What goes with the master to a video platform: chapters inside the MP4 and beside it, the
description to paste, the thumbnail; and the checks the master must pass before it is published."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..outputs import Staging
from .chapters import MIN_CHAPTERS, description, group_chapters, plan_chapters, to_ffmetadata, to_webvtt
from .master_check import MasterSpec, verify_master
from .stills import beat_end_frame, thumbnail_source, write_thumbnail

if TYPE_CHECKING:
    from ..pipeline import Run


def chapters_stage(run: Run) -> None:
    """Plan the chapters from the narration's timeline, before any frame is rendered: a chapter
    too short for platforms stops the run while nothing has been spent on it."""
    if not run.whole:
        return
    run.chapters = plan_chapters(run.storyboard, run.exhibits, run.timings, run.quality.fps)
    if not run.chapters:
        n = len(group_chapters(run.exhibits, run.timings))
        run.progress.note(f"note: no chapters: platforms show chapters only when there are at least "
                          f"{MIN_CHAPTERS}, and this video has {n}")


def write_chapter_files(run: Run, stage: Staging) -> Path | None:
    """description.txt, and with chapters the WebVTT chapters file and the ffmetadata file for
    the mux (returned)."""
    layout, fps = run.layout, run.quality.fps
    stage.path_for(layout.description).write_text(description(run.storyboard.meta, run.chapters, fps),
                                                  encoding="utf-8")
    if not run.chapters:
        return None
    stage.path_for(layout.chapters).write_text(to_webvtt(run.chapters, fps), encoding="utf-8", newline="\n")
    ffmetadata = stage.dir / "chapters.ffmetadata"
    ffmetadata.write_text(to_ffmetadata(run.chapters, fps), encoding="utf-8")
    return ffmetadata


def master_spec(run: Run, captions: bool) -> MasterSpec:
    q, tags = run.quality, run.metadata()
    return MasterSpec(width=q.width, height=q.height, fps=q.fps,
                      frames=sum(run.timings[e.id].frames for e in run.exhibits),
                      title=tags["title"], artist=tags["artist"], license=run.storyboard.meta.license,
                      captions=captions, chapters=tuple((c.start(q.fps), c.title) for c in run.chapters))


def finish_master(run: Run, stage: Staging, master: Path, captions: bool) -> None:
    """Check the muxed master as a platform would, then take the thumbnail."""
    verify_master(master, master_spec(run, captions))
    exhibit, beat = thumbnail_source(run.storyboard)
    write_thumbnail(run.layout.silent_clip(exhibit.id), beat_end_frame(run.timings[exhibit.id], beat),
                    stage.path_for(run.layout.thumbnail))
