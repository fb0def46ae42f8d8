"""What an exhibit showed: every number with the formula, inputs and text it was shown as."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


def jsonable(value: Any) -> Any:
    """Plain JSON data for numbers, arrays, dataclasses and containers of them."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        return jsonable(value.item())
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def formula_name(fn: Callable[..., Any]) -> str:
    """``module:qualname``, stable across runs, so a test can call the formula again."""
    return f"{fn.__module__}:{fn.__qualname__}"


@dataclass
class Computed:
    """One call of a formula, and every text it was displayed as."""

    name: str
    formula: str
    inputs: dict[str, Any]
    value: Any
    displayed: list[str] = field(default_factory=list)

    def show(self, spec: str | Callable[[Any], str] = "{}", attr: str | None = None) -> str:
        """Format the value (or its field ``attr``) for the screen and remember that text."""
        value = getattr(self.value, attr) if attr else self.value
        text = spec(value) if callable(spec) else spec.format(value)
        self.displayed.append(f"{attr}: {text}" if attr else text)
        return text


class ValueLog:
    def __init__(self) -> None:
        self.entries: list[Computed] = []

    def compute(self, name: str, fn: Callable[..., Any], **inputs: Any) -> Computed:
        entry = Computed(name, formula_name(fn), inputs, fn(**inputs))
        self.entries.append(entry)
        return entry

    def to_json(self) -> list[dict[str, Any]]:
        return [
            {"name": e.name, "formula": e.formula, "inputs": jsonable(e.inputs),
             "value": jsonable(e.value), "displayed": e.displayed}
            for e in self.entries
        ]

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
