"""Loudness: integrated loudness to a target (ITU-R BS.1770 via pyloudnorm) with a true-peak
ceiling kept by a look-ahead limiter, never by clipping; and the check that the encoded file,
not only the PCM we fed the encoder, meets both."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyloudnorm
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import resample_poly

from .audio import read_wav, write_wav
from .errors import UserError
from .media import decode_audio_args, run_ffmpeg
from .quality import SAMPLE_RATE

OVERSAMPLE = 4  # BS.1770's true peak is measured at 4x the sample rate
LIMITER_WINDOW_SECONDS = 0.005
HEADROOM_DB = 0.5  # limit this far below the ceiling: the AAC encoder adds a little overshoot
TOLERANCE_LU = 1.0  # how far the encoded file may land from the integrated target
GAIN_PASSES = 6  # limiting lowers the integrated loudness, so gain is measured and set again
CONVERGED_LU = 0.05
MAX_ENCODES = 3


@dataclass(frozen=True)
class LoudnessReport:
    integrated_lufs: float  # -inf when there is too little sound to gate
    true_peak_dbtp: float

    def to_json(self) -> dict[str, float | None]:
        def finite(v: float) -> float | None:
            return round(v, 2) if np.isfinite(v) else None
        return {"integrated_lufs": finite(self.integrated_lufs), "true_peak_dbtp": finite(self.true_peak_dbtp)}


def true_peak_dbtp(samples: np.ndarray) -> float:
    if not len(samples):
        return float("-inf")
    peak = float(np.max(np.abs(resample_poly(samples, OVERSAMPLE, 1))))
    return float(20 * np.log10(peak)) if peak > 0 else float("-inf")


def integrated_lufs(samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> float:
    if len(samples) <= sample_rate // 2:
        return float("-inf")  # shorter than BS.1770's gating needs
    return float(pyloudnorm.Meter(sample_rate).integrated_loudness(samples.astype(np.float64)))


def measure(samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> LoudnessReport:
    return LoudnessReport(integrated_lufs(samples, sample_rate), true_peak_dbtp(samples))


def measure_file(path: Path, sample_rate: int = SAMPLE_RATE) -> LoudnessReport:
    """What a listener hears: the file's first audio stream decoded to float, then measured."""
    with tempfile.TemporaryDirectory(prefix="explainer-loudness-") as tmp:
        wav = Path(tmp) / "decoded.wav"
        run_ffmpeg(decode_audio_args(path, wav), f"decode the audio of {path.name}")
        samples, rate = read_wav(wav)
    if rate != sample_rate:
        raise RuntimeError(f"{path}: audio at {rate} Hz, the pipeline runs at {sample_rate} Hz")
    return measure(samples, rate)


def peak_envelope(samples: np.ndarray) -> np.ndarray:
    """Each sample's true peak: the largest magnitude of the 4x-oversampled signal from it to
    the next sample (so inter-sample overs count)."""
    return np.abs(resample_poly(samples, OVERSAMPLE, 1)).reshape(-1, OVERSAMPLE).max(axis=1)[: len(samples)]


def limiter_gain(envelope: np.ndarray, ceiling_dbtp: float, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """The gain that keeps a signal with this ``peak_envelope`` under the ceiling, smoothly."""
    ceiling = 10 ** (ceiling_dbtp / 20)
    need = np.minimum(1.0, ceiling / np.maximum(envelope, 1e-12))
    w = max(1, round(LIMITER_WINDOW_SECONDS * sample_rate))
    # A minimum over 2w then a mean over w never rises above the gain each sample needs: the
    # gain is fully down w/2 before a peak (look-ahead) and ramps, never steps, so it adds no click.
    gain = uniform_filter1d(minimum_filter1d(need, size=2 * w + 1), size=w)
    return np.minimum(gain, need)  # the guarantee, whatever the filters do at the edges


def limit(samples: np.ndarray, ceiling_dbtp: float, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Turn down only the moments whose (oversampled) peak exceeds the ceiling, smoothly."""
    return (samples * limiter_gain(peak_envelope(samples), ceiling_dbtp, sample_rate)).astype(np.float32)


def normalize(samples: np.ndarray, target_lufs: float, ceiling_dbtp: float, headroom_db: float = HEADROOM_DB,
              sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Gain to ``target_lufs``; where that would pass ``ceiling_dbtp - headroom_db``, the
    limiter, not clipping and not a lower target.

    Limiting takes loudness off the peaks, so once it works the loudness grows more slowly
    than the gain: the gain is found by secant steps on the measured loudness."""
    before = integrated_lufs(samples, sample_rate)
    if not np.isfinite(before):
        return samples.astype(np.float32)

    envelope = peak_envelope(samples)  # peaks scale with the gain: found once

    def attempt(gain_db: float) -> tuple[np.ndarray, float]:
        g = 10 ** (gain_db / 20)
        out = (samples * (g * limiter_gain(g * envelope, ceiling_dbtp - headroom_db, sample_rate))).astype(np.float32)
        return out, integrated_lufs(out, sample_rate)

    gain = target_lufs - before
    out, lufs = attempt(gain)
    slope = 1.0
    for _ in range(GAIN_PASSES):
        miss = target_lufs - lufs
        if abs(miss) < CONVERGED_LU:
            break
        step = miss / slope
        out, new_lufs = attempt(gain + step)
        slope = min(1.0, max(0.1, (new_lufs - lufs) / step))
        gain, lufs = gain + step, new_lufs
    return out


@dataclass(frozen=True)
class LoudnessCheck:
    """Target, and what the PCM master and the encoded file measured."""

    target_lufs: float
    ceiling_dbtp: float
    headroom_db: float  # the limiter ran this far below the ceiling
    encodes: int
    pcm: LoudnessReport
    encoded: LoudnessReport

    def problems(self) -> list[tuple[str, str]]:
        """(storyboard field, what is wrong) for each figure the encoded file misses."""
        out = []
        lufs, peak = self.encoded.integrated_lufs, self.encoded.true_peak_dbtp
        if np.isfinite(self.pcm.integrated_lufs) and not abs(lufs - self.target_lufs) <= TOLERANCE_LU:
            # When the PCM misses too, the limiter could not get there under the ceiling.
            hint = ("; the ceiling leaves too little room: lower audio.loudness or raise audio.true_peak"
                    if not abs(self.pcm.integrated_lufs - self.target_lufs) <= TOLERANCE_LU else "")
            out.append(("audio.loudness", f"measures {lufs:.1f} LUFS after the AAC encode, more than "
                        f"{TOLERANCE_LU:g} LU from the target {self.target_lufs:g} LUFS{hint}"))
        if peak > self.ceiling_dbtp:
            out.append(("audio.true_peak", f"peaks at {peak:.2f} dBTP after the AAC encode, above the ceiling "
                        f"{self.ceiling_dbtp:g} dBTP even with the limiter {self.headroom_db:.1f} dB below it"))
        return out

    def to_json(self) -> dict[str, object]:
        return {"target": {"integrated_lufs": self.target_lufs, "true_peak_dbtp": self.ceiling_dbtp},
                "pcm": self.pcm.to_json(), "mp4": self.encoded.to_json(),
                "limiter_headroom_db": round(self.headroom_db, 2), "encodes": self.encodes}


def encode_to_target(track: np.ndarray, target_lufs: float, ceiling_dbtp: float, wav: Path,
                     encode: Callable[[Path], Path], where: str, label: str) -> LoudnessCheck:
    """Normalize ``track`` into ``wav``, ``encode`` it (returns the encoded file), measure that
    file; when the encoder's overshoot passes the ceiling, limit further below it and encode
    again. A file that still misses is an error naming ``where`` (the storyboard's place) and
    ``label`` (the output)."""
    headroom = HEADROOM_DB
    for n in range(1, MAX_ENCODES + 1):
        pcm = normalize(track, target_lufs, ceiling_dbtp, headroom)
        write_wav(wav, pcm)
        encoded = encode(wav)
        check = LoudnessCheck(target_lufs, ceiling_dbtp, headroom, n, measure(pcm), measure_file(encoded))
        overshoot = check.encoded.true_peak_dbtp - ceiling_dbtp
        if not overshoot > 0:
            break
        headroom += overshoot + 0.25
    problems = check.problems()
    if problems:
        field, problem = problems[0]
        raise UserError(f"{where}: {field}: {label} {problem}")
    return check
