"""Chapters: one per exhibit, or one per storyboard ``section`` of consecutive exhibits, with
times from the integer timeline; written as MP4 chapter markers (an ffmetadata file), a WebVTT
chapters file and the ``0:00 Title`` lines of a description.

Platforms read chapters only when the first starts at 0:00, there are at least three, each
lasts at least ten seconds, and they ascend. So: a video of fewer than three chapters (a test
storyboard) gets none, with a note; with three or more, a chapter that is too short is a
storyboard error naming its exhibit.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..captions import Cue, to_vtt
from ..errors import StoryboardError
from ..storyboard import Exhibit, Meta, Storyboard
from ..timeline import ExhibitTiming, frame_to_sample

MIN_CHAPTERS = 3
MIN_CHAPTER_SECONDS = 10

# The licence names the storyboard may give, and the deed an attribution links to.
LICENSE_URLS = {
    "CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC BY-SA 4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC BY-NC 4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
    "CC0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}


@dataclass(frozen=True)
class Chapter:
    title: str
    start_frame: int  # in the whole video
    end_frame: int  # exclusive
    exhibits: tuple[Exhibit, ...]

    def start(self, fps: int) -> Fraction:
        return Fraction(self.start_frame, fps)


def group_chapters(exhibits: list[Exhibit], timings: dict[str, ExhibitTiming]) -> list[Chapter]:
    """One chapter per exhibit; consecutive exhibits of one section share a chapter named after it."""
    chapters: list[Chapter] = []
    for e in exhibits:
        t = timings[e.id]
        last = chapters[-1] if chapters else None
        if last is not None and e.section is not None and last.exhibits[-1].section == e.section:
            chapters[-1] = Chapter(last.title, last.start_frame, t.start_frame + t.frames, (*last.exhibits, e))
        else:
            chapters.append(Chapter(e.section or e.title, t.start_frame, t.start_frame + t.frames, (e,)))
    return chapters


def chapter_problem(chapters: list[Chapter], fps: int) -> tuple[Chapter, str] | None:
    """The first chapter that breaks the platforms' rules, and how; None if all keep them."""
    if chapters and chapters[0].start_frame != 0:
        return chapters[0], f"the first chapter starts at {float(chapters[0].start(fps)):.2f}s, not 0:00"
    for before, c in zip(chapters, chapters[1:]):
        if c.start_frame <= before.start_frame:
            return c, f"starts at {float(c.start(fps)):.2f}s, not after {before.title!r}"
    for c in chapters:
        if c.end_frame - c.start_frame < MIN_CHAPTER_SECONDS * fps:
            return c, (f"lasts {(c.end_frame - c.start_frame) / fps:.1f}s; platforms show chapters only when "
                       f"each lasts at least {MIN_CHAPTER_SECONDS}s (lengthen it, or give it and a neighbour "
                       f"one `section:`)")
    return None


def plan_chapters(storyboard: Storyboard, exhibits: list[Exhibit], timings: dict[str, ExhibitTiming],
                  fps: int) -> list[Chapter]:
    """The video's chapters, or [] when it has too few for platforms to show any."""
    chapters = group_chapters(exhibits, timings)
    if len(chapters) < MIN_CHAPTERS:
        return []
    found = chapter_problem(chapters, fps)
    if found:
        chapter, problem = found
        e = chapter.exhibits[0]
        i = storyboard.exhibits.index(e)
        path = f"exhibits[{i}].section" if e.section else f"exhibits[{i}]"
        raise StoryboardError(e.location, path, f"chapter {chapter.title!r} (exhibit {e.id!r}) {problem}")
    return chapters


def _ffmetadata_escape(text: str) -> str:
    return "".join(f"\\{c}" if c in "=;#\\\n" else c for c in text)


def to_ffmetadata(chapters: list[Chapter], fps: int) -> str:
    """ffmpeg's metadata file: chapter bounds in frames, exactly as the timeline has them."""
    out = [";FFMETADATA1"]
    for c in chapters:
        out += ["[CHAPTER]", f"TIMEBASE=1/{fps}", f"START={c.start_frame}", f"END={c.end_frame}",
                f"title={_ffmetadata_escape(c.title)}"]
    return "\n".join(out) + "\n"


def to_webvtt(chapters: list[Chapter], fps: int) -> str:
    """A WebVTT chapters file (``<track kind="chapters">``), formatted as the captions are."""
    return to_vtt([Cue(frame_to_sample(c.start_frame, fps), frame_to_sample(c.end_frame, fps), (c.title,),
                       c.exhibits[0].id, 0) for c in chapters])


def clock(frame: int, fps: int) -> str:
    """The whole second ``frame`` falls in, as platforms read it: 0:00, 12:05, 1:02:03."""
    s = frame // fps
    h, m, sec = s // 3600, s // 60 % 60, s % 60
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def attribution(meta: Meta) -> str:
    """The attribution the quoted text's licence asks for: title, authors, source, licence."""
    title = meta.paper.title or meta.title
    link = LICENSE_URLS.get(meta.license)
    licence = f"{meta.license} ({link})" if link else meta.license
    # Says nothing about verification: a render without the source file publishes the same
    # description, and whether each quote was checked is in quotes.json and the web manifest.
    return (f"Quotations on screen are from “{title}” by {', '.join(meta.authors)} "
            f"({meta.paper.url}), licensed under {licence}. The narration, animations and computed "
            "figures are ours.")


def description(meta: Meta, chapters: list[Chapter], fps: int) -> str:
    """``description.txt``: ready to paste into a video platform's description field."""
    parts = [meta.title]
    if meta.summary:
        parts.append(meta.summary)
    parts.append(f"Paper: {meta.paper.citation}\n{meta.paper.url}")
    if chapters:
        parts.append("Chapters\n" + "\n".join(f"{clock(c.start_frame, fps)} {c.title}" for c in chapters))
    parts.append(attribution(meta))
    return "\n\n".join(parts) + "\n"
