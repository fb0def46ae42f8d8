"""Render one exhibit, silent, with Manim CE's Cairo renderer, in its own media folder."""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from manim import tempconfig

from .errors import UserError
from .glyph_cache import glyph_cache
from .media import normalize_clip_args, run_ffmpeg
from .outputs import OutputLayout
from .probe import probe
from .scene import ExhibitPlan, ExplainerScene, scene_class
from .storyboard import Storyboard


def manim_settings(plan: ExhibitPlan, media_dir: Path) -> dict[str, object]:
    """The Manim configuration for one clip: size, rate, theme, and no cache to trust."""
    q = plan.quality
    return {
        "pixel_width": q.width,
        "pixel_height": q.height,
        "frame_rate": q.fps,
        "frame_width": 8.0 * q.width / q.height,
        "frame_height": 8.0,
        "background_color": plan.theme.background,
        "media_dir": str(media_dir),
        "video_dir": str(media_dir),
        "disable_caching": True,  # our own clip cache decides what to re-render
        "flush_cache": True,
        "output_file": plan.exhibit.id,
        "verbosity": "ERROR",
        "progress_bar": "none",
        "write_to_movie": True,
        "save_last_frame": False,
        "preview": False,
    }


def dry_run(scene_cls: type[ExplainerScene], plan: ExhibitPlan) -> ExplainerScene:
    """Run the scene's code without drawing a frame: every animation jumps to its end, so the
    state at the end of each beat (for the layout check) and the values shown are as in a render."""
    logging.getLogger("manim").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="explainer-dry-") as tmp:
        settings = {**manim_settings(plan, Path(tmp)), **glyph_cache(), "dry_run": True, "write_to_movie": False}
        with tempconfig(settings):
            scene = scene_cls()
            scene.plan = plan
            scene.render()
    return scene


def render_clip(scene_cls: type[ExplainerScene], plan: ExhibitPlan, media_dir: Path) -> tuple[Path, ExplainerScene]:
    """Render ``plan`` and return the silent clip and the scene (for its recorded values).

    The clip is checked to have exactly the planned number of frames: timing is the contract
    between narration and picture, so a mismatch is a bug to stop at, not to paper over.
    """
    if media_dir.exists():
        shutil.rmtree(media_dir)
    media_dir.mkdir(parents=True)
    logging.getLogger("manim").setLevel(logging.ERROR)
    with tempconfig(manim_settings(plan, media_dir)):
        scene = scene_cls()
        scene.plan = plan
        scene.render()
    out = media_dir / f"{plan.exhibit.id}.mp4"
    if not out.exists():
        found = sorted(media_dir.rglob(f"{plan.exhibit.id}.mp4"))
        if not found:
            raise UserError(f"Manim produced no video for exhibit {plan.exhibit.id!r} in {media_dir}")
        out = found[0]
    frames = probe(out, count_frames=True).of("video")[0].frames
    if frames != plan.timing.frames:
        raise RuntimeError(f"exhibit {plan.exhibit.id}: rendered {frames} frames, planned {plan.timing.frames}")
    return out, scene


def build_silent_clip(storyboard: Storyboard, plan: ExhibitPlan, layout: OutputLayout, key: str) -> list[str]:
    """Render one exhibit and encode it to the project's clip settings, with its values and
    cache key beside it. Runs in a worker process; returns the layout problems found."""
    exhibit, q = plan.exhibit, plan.quality
    raw, scene = render_clip(scene_class(storyboard, exhibit), plan, layout.manim_media(exhibit.id))
    silent, key_file = layout.silent_clip(exhibit.id), layout.clip_key(exhibit.id)
    silent.parent.mkdir(parents=True, exist_ok=True)
    tmp = silent.with_name(f".{silent.name}")
    run_ffmpeg(normalize_clip_args(raw, tmp, q), f"encode the clip of {exhibit.id}")
    scene.values.write(layout.clip_values(exhibit.id))
    tmp.replace(silent)
    key_file.write_text(key)
    shutil.rmtree(layout.manim_media(exhibit.id), ignore_errors=True)
    return [str(p) for p in scene.layout_problems]


def render_jobs(requested: int | None, pending: int) -> int:
    """Worker processes: one per core by default (Cairo rendering is single-threaded), never
    more than there are clips to render."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(requested or cores, pending))


def build_silent_clips(storyboard: Storyboard, work: list[tuple[ExhibitPlan, str]], layout: OutputLayout,
                       jobs: int, on_start: Callable[[str], None], on_done: Callable[[str, list[str]], None]) -> None:
    """Render ``work`` (plan, cache key) with ``jobs`` processes; the first failure stops all."""
    if jobs <= 1:
        for plan, key in work:
            on_start(plan.exhibit.id)
            on_done(plan.exhibit.id, build_silent_clip(storyboard, plan, layout, key))
        return
    # fork: workers inherit the imported scene code (content packages are not importable by name)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = {}
        for plan, key in work:
            on_start(plan.exhibit.id)
            futures[pool.submit(build_silent_clip, storyboard, plan, layout, key)] = plan.exhibit.id
        try:
            for future in as_completed(futures):
                on_done(futures[future], future.result())
        except BaseException:
            for f in futures:
                f.cancel()
            raise
