"""Where everything is written. Finished files are published by atomic rename from a staging
folder, so an interrupted or failed run never leaves a half-written output, and what an
earlier run published stays until its replacement is complete."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class OutputLayout:
    root: Path  # renders/
    slug: str
    quality: str

    @property
    def folder(self) -> Path:
        return self.root / self.slug

    @property
    def master(self) -> Path:
        return self.folder / f"{self.slug}.mp4"

    @property
    def clips(self) -> Path:
        return self.folder / "clips"

    def clip(self, exhibit_id: str) -> Path:
        return self.clips / f"{exhibit_id}.mp4"

    def values(self, exhibit_id: str) -> Path:
        return self.clips / f"{exhibit_id}.values.json"

    # --- for video platforms and the web ---
    @property
    def chapters(self) -> Path:
        return self.folder / f"{self.slug}.chapters.vtt"

    @property
    def description(self) -> Path:
        return self.folder / "description.txt"

    @property
    def thumbnail(self) -> Path:
        return self.folder / "thumbnail.jpg"

    @property
    def web(self) -> Path:
        """The embed kit: self-contained, every path in it relative."""
        return self.folder / "web"

    # --- the build folder: caches that make the next run faster, never a published output ---
    @property
    def work(self) -> Path:
        return self.folder / ".work" / self.quality

    @property
    def narration_cache(self) -> Path:
        return self.root / ".cache" / "narration"

    def manim_media(self, exhibit_id: str) -> Path:
        return self.work / "manim" / exhibit_id

    def silent_clip(self, exhibit_id: str) -> Path:
        return self.work / "clips" / f"{exhibit_id}.mp4"

    def clip_key(self, exhibit_id: str) -> Path:
        return self.work / "clips" / f"{exhibit_id}.key"

    def clip_values(self, exhibit_id: str) -> Path:
        return self.work / "clips" / f"{exhibit_id}.values.json"


class Staging:
    """Files destined for ``final`` paths, written under a private folder first."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder))
        self._moves: list[tuple[Path, Path]] = []

    def path_for(self, final: Path) -> Path:
        """A staging path to write ``final``'s content to."""
        staged = self.dir / f"{len(self._moves):03d}-{final.name}"
        self._moves.append((staged, final))
        return staged

    def publish(self) -> list[Path]:
        """Move every staged file into place, each by one atomic rename."""
        for staged, final in self._moves:
            if not staged.exists():
                raise RuntimeError(f"staged output for {final} was never written")
        for staged, final in self._moves:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, final)
        shutil.rmtree(self.dir, ignore_errors=True)
        return [final for _, final in self._moves]

    def discard(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def staging(folder: Path) -> Iterator[Staging]:
    """Stage outputs; publish them all if the block succeeds, discard them all if not."""
    s = Staging(folder)
    try:
        yield s
    except BaseException:
        s.discard()
        raise
    s.publish()
