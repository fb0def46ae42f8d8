#!/usr/bin/env python3
"""Benchmark `render all`: one process against one per core, and a re-render from the clip
cache, measured side by side in one run on the same storyboard and narration cache.

    .venv/bin/python scripts/bench_render.py [--quality preview] [--storyboard PATH]

Prints wall times and their ratios. The narration is synthesized once first, so every timed
run measures rendering and stitching only.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from explainer_anim.pipeline import RenderRequest, narrate_stage, render, start
from explainer_anim.progress import Progress
from explainer_anim.project import DEFAULT_STORYBOARD
from explainer_anim.quality import quality
from explainer_anim.render import render_jobs


def timed(request: RenderRequest, log: Path) -> float:
    with log.open("a") as stream:
        t0 = time.perf_counter()
        render(request, Progress(1, stream))
        return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quality", default="preview")
    ap.add_argument("--storyboard", type=Path, default=DEFAULT_STORYBOARD)
    args = ap.parse_args()
    out = Path(tempfile.mkdtemp(prefix="bench-render-"))
    log = out / "progress.log"
    try:
        base = RenderRequest(args.storyboard, quality(args.quality), out_root=out)
        run = start(base, Progress(1, log.open("a")))
        narrate_stage(run)
        work = run.layout.folder / ".work"
        cores = render_jobs(None, len(run.exhibits))
        results = {}
        for jobs in (1, cores):
            shutil.rmtree(work, ignore_errors=True)
            results[f"cold, {jobs} process{'es' if jobs > 1 else ''}"] = timed(
                RenderRequest(args.storyboard, base.quality, out_root=out, jobs=jobs), log)
        results["warm (clip cache)"] = timed(RenderRequest(args.storyboard, base.quality, out_root=out), log)
        one = results["cold, 1 process"]
        print(f"render all at {args.quality}: {len(run.exhibits)} exhibits, "
              f"{sum(t.frames for t in run.timings.values())} frames")
        for name, seconds in results.items():
            print(f"  {name:<22} {seconds:7.1f} s   ratio to 1 process: {seconds / one:.2f}")
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
