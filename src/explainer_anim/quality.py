"""Named render qualities. Frame rates divide the audio rate, so frame times are whole samples."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import UserError

SAMPLE_RATE = 48_000  # one rate through the whole pipeline


@dataclass(frozen=True)
class Quality:
    name: str
    width: int
    height: int
    fps: int

    @property
    def samples_per_frame(self) -> int:
        return SAMPLE_RATE // self.fps


QUALITIES: dict[str, Quality] = {
    q.name: q
    for q in (
        Quality("preview", 854, 480, 15),
        Quality("hd", 1920, 1080, 30),
        Quality("production", 1920, 1080, 60),
    )
}
DEFAULT_QUALITY = "hd"

for _q in QUALITIES.values():
    assert SAMPLE_RATE % _q.fps == 0, _q


def quality(name: str) -> Quality:
    try:
        return QUALITIES[name]
    except KeyError:
        raise UserError(f"unknown quality {name!r}; choose one of {', '.join(QUALITIES)}") from None
