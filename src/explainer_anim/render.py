"""Render one exhibit, silent, with Manim CE's Cairo renderer, in its own media folder."""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from manim import tempconfig

from .errors import UserError
from .probe import probe
from .scene import ExhibitPlan, ExplainerScene


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
        settings = {**manim_settings(plan, Path(tmp)), "dry_run": True, "write_to_movie": False}
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
