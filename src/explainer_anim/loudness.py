"""Loudness: integrated loudness to a target (ITU-R BS.1770 via pyloudnorm) with a true-peak
ceiling kept by a look-ahead limiter, never by clipping."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyloudnorm
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import resample_poly

from .quality import SAMPLE_RATE

OVERSAMPLE = 4  # BS.1770's true peak is measured at 4x the sample rate
LIMITER_WINDOW_SECONDS = 0.005


@dataclass(frozen=True)
class LoudnessReport:
    integrated_lufs: float
    true_peak_dbtp: float


def true_peak_dbtp(samples: np.ndarray) -> float:
    if not len(samples):
        return float("-inf")
    peak = float(np.max(np.abs(resample_poly(samples, OVERSAMPLE, 1))))
    return 20 * np.log10(peak) if peak > 0 else float("-inf")


def measure(samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> LoudnessReport:
    meter = pyloudnorm.Meter(sample_rate)
    lufs = float(meter.integrated_loudness(samples.astype(np.float64))) if len(samples) > sample_rate // 2 else float("-inf")
    return LoudnessReport(lufs, true_peak_dbtp(samples))


def limit(samples: np.ndarray, ceiling_dbtp: float, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Turn down only the moments whose (oversampled) peak exceeds the ceiling, smoothly."""
    ceiling = 10 ** (ceiling_dbtp / 20)
    over = np.abs(resample_poly(samples, OVERSAMPLE, 1)).reshape(-1, OVERSAMPLE).max(axis=1)[: len(samples)]
    need = np.minimum(1.0, ceiling / np.maximum(over, 1e-12))
    w = max(1, round(LIMITER_WINDOW_SECONDS * sample_rate))
    # A minimum over 2w then a mean over w never rises above the gain each sample needs.
    gain = uniform_filter1d(minimum_filter1d(need, size=2 * w + 1), size=w)
    gain = np.minimum(gain, need)
    return (samples * gain).astype(np.float32)


def normalize(samples: np.ndarray, target_lufs: float, ceiling_dbtp: float,
              sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Gain to ``target_lufs``; where that would pass ``ceiling_dbtp``, a limiter, not clipping."""
    before = measure(samples, sample_rate)
    if not np.isfinite(before.integrated_lufs):
        return samples
    out = (samples * 10 ** ((target_lufs - before.integrated_lufs) / 20)).astype(np.float32)
    # A little headroom below the ceiling: resampling in the AAC encoder adds overshoot.
    if true_peak_dbtp(out) > ceiling_dbtp - 0.5:
        out = limit(out, ceiling_dbtp - 0.5, sample_rate)
    return out
