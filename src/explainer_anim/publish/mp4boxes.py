"""The top level of an MP4 file, read from box headers alone (no media data is read)."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError


@dataclass(frozen=True)
class Box:
    type: str  # four characters: "ftyp", "moov", "mdat", ...
    offset: int
    size: int


def top_level_boxes(path: Path) -> list[Box]:
    """Every top-level box of ``path`` in file order."""
    boxes = []
    total = path.stat().st_size
    with path.open("rb") as f:
        offset = 0
        while offset < total:
            f.seek(offset)
            header = f.read(8)
            if len(header) < 8:
                raise UserError(f"{path}: truncated MP4 box header at byte {offset}")
            size, kind = struct.unpack(">I4s", header)
            if size == 1:  # a 64-bit size follows the type
                large = f.read(8)
                if len(large) < 8:
                    raise UserError(f"{path}: truncated MP4 box header at byte {offset}")
                size = struct.unpack(">Q", large)[0]
            elif size == 0:  # the box runs to the end of the file
                size = total - offset
            if size < 8 or offset + size > total:
                raise UserError(f"{path}: MP4 box {kind!r} at byte {offset} claims {size} bytes; "
                                f"the file has {total}")
            boxes.append(Box(kind.decode("latin-1"), offset, size))
            offset += size
    return boxes
