"""Helpers for the narration tests (voices, lexicon, recorded takes, cues): small storyboards
written to tmp, test tones made with sox, and a check that earlier outputs survive an error."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import numpy as np
from click.testing import CliRunner, Result

from explainer_anim.cli import main
from explainer_anim.quality import SAMPLE_RATE

SLUG = "narration-test"


def write_storyboard(folder: Path, exhibits: str, top: str = "", engine: str = "espeak-ng") -> Path:
    """A storyboard of TitleCard exhibits (no quotes, so nothing needs the paper)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "storyboard.yaml"
    path.write_text(textwrap.dedent("""\
        version: 1
        explainer:
          id: {slug}
          title: Narration test
          authors: [Ada Lovelace]
          paper: {{citation: "Lovelace (1843). Notes.", arxiv: "2509.04664", url: "https://arxiv.org/abs/2509.04664"}}
          license: CC BY 4.0
        voice: {{engine: {engine}}}
        """).format(slug=SLUG, engine=engine) + textwrap.dedent(top) + "exhibits:\n"
        + textwrap.indent(textwrap.dedent(exhibits), "  "), encoding="utf-8")
    return path


def tone(path: Path, freq: float, seconds: float, rate: int, channels: int = 1, bits: int = 16) -> Path:
    """A sine at ``freq`` Hz, amplitude 0.5, in the format ``path``'s suffix names (sox)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    args = ["sox", "-n", "-r", str(rate), "-c", str(channels)]
    if path.suffix != ".mp3":
        args += ["-b", str(bits)]
    subprocess.run([*args, str(path), "synth", f"{seconds}", "sine", f"{freq}", "vol", "0.5"],
                   check=True, capture_output=True)
    return path


def peak_hz(samples: np.ndarray, rate: int = SAMPLE_RATE) -> float:
    """The strongest frequency, refined between FFT bins by a parabola through the peak."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    k = int(np.argmax(spectrum[1:-1])) + 1
    a, b, c = np.log(spectrum[k - 1:k + 2] + 1e-12)
    return (k + 0.5 * (a - c) / (a - 2 * b + c)) * rate / len(samples)


def plant_outputs(out_root: Path) -> dict[Path, bytes]:
    """Stand-ins for what an earlier run published, to check that a failed run keeps them."""
    folder = out_root / SLUG
    files = {folder / f"{SLUG}.mp4": b"earlier master", folder / "clips" / "one.mp4": b"earlier clip",
             folder / "narration-preview.m4a": b"earlier preview", folder / "narration-timing.csv": b"earlier table"}
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return files


def outputs_kept(files: dict[Path, bytes]) -> bool:
    return all(p.read_bytes() == data for p, data in files.items())


def cli(*args: str) -> Result:
    """The CLI in this process (no interpreter start-up per call), stdout and stderr apart."""
    return CliRunner().invoke(main, list(args))
