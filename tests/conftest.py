"""Shared test helpers: the repository's paths and a way to run the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO.parent / "shared" / "sources"
PAPER_TXT = SOURCES / "kalai2025-why-language-models-hallucinate.txt"
MINI = REPO / "tests" / "data" / "mini" / "storyboard.yaml"
DEFAULT = REPO / "scenes" / "why-llms-hallucinate" / "storyboard.yaml"
CLI = Path(sys.executable).with_name("explainer-anim")


def run_cli(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The installed ``explainer-anim`` as a user runs it, without a terminal."""
    return subprocess.run([str(CLI), *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL, timeout=900)


@pytest.fixture(scope="session")
def paper_txt() -> Path:
    if not PAPER_TXT.exists():
        pytest.skip(f"the paper's source text is not at {PAPER_TXT} (../shared/sources/ is absent)")
    return PAPER_TXT
