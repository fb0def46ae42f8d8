"""Sample-exact audio: resampling to the pipeline rate, WAV I/O, and laying beats on a master.

Everything is mono float32 at SAMPLE_RATE, in memory and on disk (32-bit float WAV: lossless
and unclippable, so only the final, limited master decides the level); positions are sample
indices, never milliseconds.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
from scipy.io import wavfile
from scipy.signal import resample_poly

from .quality import SAMPLE_RATE

FADE_SECONDS = 0.005  # a 5 ms ramp at every join: long enough to kill a click, too short to hear


def resample(samples: np.ndarray, rate: int, target: int = SAMPLE_RATE) -> np.ndarray:
    """Polyphase resampling by the exact rational ratio ``target/rate``."""
    if rate == target:
        return samples.astype(np.float32, copy=False)
    g = math.gcd(rate, target)
    return resample_poly(samples, target // g, rate // g).astype(np.float32)


def fade_edges(samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    n = min(len(samples) // 2, round(FADE_SECONDS * sample_rate))
    if n == 0:
        return samples
    out = samples.copy()
    ramp = np.linspace(0.0, 1.0, n, endpoint=False, dtype=np.float32)
    out[:n] *= ramp
    out[-n:] *= ramp[::-1]
    return out


def write_wav(path: Path, samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> None:
    """32-bit float mono WAV, written to a temporary name and moved into place (never half-written).

    Float, not 16-bit: resampled speech overshoots full scale between its original samples,
    and 16-bit storage would clip it there."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    wavfile.write(tmp, sample_rate, np.ascontiguousarray(samples, dtype=np.float32))
    os.replace(tmp, path)


_INT_SCALE = {np.dtype("int16"): 32768.0, np.dtype("int32"): 2147483648.0}  # scipy reads 24-bit as int32


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """A PCM (8/16/24/32-bit) or float WAV as mono float32 (channels averaged) and its rate."""
    try:
        rate, data = wavfile.read(path)
    except ValueError as exc:
        raise ValueError(f"{path}: not a readable WAV file: {exc}") from None
    if data.dtype == np.uint8:
        samples = (data.astype(np.float32) - 128.0) / 128.0
    elif data.dtype in _INT_SCALE:
        samples = data.astype(np.float32) / _INT_SCALE[data.dtype]
    else:
        samples = data.astype(np.float32, copy=False)
    if samples.ndim > 1:
        samples = samples.mean(axis=1, dtype=np.float32)
    return samples, rate


def place(master: np.ndarray, samples: np.ndarray, at: int) -> None:
    """Add ``samples`` into ``master`` starting exactly at sample ``at``, edges faded.

    The fade is here, not where audio is made, so that every piece laid on a master (spoken,
    recorded or cached by an older version) joins the silence around it without a click."""
    end = at + len(samples)
    if at < 0 or end > len(master):
        raise ValueError(f"audio [{at}, {end}) does not fit in a master of {len(master)} samples")
    master[at:end] += fade_edges(samples)


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if len(samples) else 0.0
