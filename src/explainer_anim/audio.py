"""Sample-exact audio: resampling to the pipeline rate, WAV I/O, and laying beats on a master.

Everything is mono float32 at SAMPLE_RATE in memory and 16-bit PCM WAV on disk; positions are
sample indices, never milliseconds.
"""

from __future__ import annotations

import math
import os
import wave
from pathlib import Path

import numpy as np
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
    """16-bit mono PCM, written to a temporary name and moved into place (never half-written)."""
    pcm = np.clip(np.round(samples * 32767.0), -32768, 32767).astype("<i2")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with wave.open(str(tmp), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm.tobytes())
    os.replace(tmp, path)


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """A 16-bit PCM WAV as mono float32 (channels averaged) and its rate."""
    with wave.open(str(path), "rb") as w:
        rate, channels, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
        raw = w.readframes(w.getnframes())
    if width != 2:
        raise ValueError(f"{path}: expected 16-bit PCM, got {8 * width}-bit")
    data = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1)
    return data, rate


def place(master: np.ndarray, samples: np.ndarray, at: int) -> None:
    """Add ``samples`` into ``master`` starting exactly at sample ``at``."""
    end = at + len(samples)
    if at < 0 or end > len(master):
        raise ValueError(f"audio [{at}, {end}) does not fit in a master of {len(master)} samples")
    master[at:end] += samples


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if len(samples) else 0.0
