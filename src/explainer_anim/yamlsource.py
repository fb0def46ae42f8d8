"""Safe YAML loading that remembers where every value stood.

PyYAML's ``safe_load`` forgets line numbers and expands aliases without limit (a "billion
laughs" document exhausts memory). Here the document is *composed* into nodes (linear in its
size: an alias is a reference to an existing node), then constructed by hand into ``Located``
values while counting every node visited, so that an alias bomb is refused by size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Location, StoryboardError

# Far above any real storyboard (the default one has a few thousand nodes), far below what
# could exhaust memory.
MAX_NODES = 200_000
MAX_DEPTH = 64  # a recursive alias (``&a [*a]``) would otherwise recurse forever

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:timestamp",
}


@dataclass
class Located:
    """A YAML value with its position. Mappings and lists hold ``Located`` children."""

    value: Any
    location: Location
    tag: str
    plain: bool = False  # an unquoted scalar, whose meaning YAML guesses (``no`` -> False)
    comment_after: bool = False  # a plain scalar directly followed by `` #`` on its line
    keys: dict[str, Location] = field(default_factory=dict)  # for mappings: where each key is
    raw: str | None = None  # a scalar's text as written

    def plain_value(self) -> Any:
        """The value with positions stripped (for params handed to scenes)."""
        if isinstance(self.value, dict):
            return {k: v.plain_value() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain_value() for v in self.value]
        return self.value


def _location(path: Path, mark: yaml.Mark) -> Location:
    return Location(path, mark.line + 1, mark.column + 1)


class _Builder:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.count = 0
        self.constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, depth: int = 0) -> Located:
        self.count += 1
        loc = _location(self.path, node.start_mark)
        if self.count > MAX_NODES:
            raise StoryboardError(
                loc, "", f"document too large: more than {MAX_NODES:,} values once aliases "
                "are expanded (an alias bomb?); write the values out instead"
            )
        if depth > MAX_DEPTH:
            raise StoryboardError(loc, "", f"values nested more than {MAX_DEPTH} deep (a recursive alias?)")
        if node.tag not in _STANDARD_TAGS:
            raise StoryboardError(loc, "", f"YAML tag {node.tag!r} is not allowed in a storyboard")
        if isinstance(node, yaml.ScalarNode):
            value = self.constructor.construct_object(node, deep=True)
            if node.tag == "tag:yaml.org,2002:timestamp":
                value = node.value  # dates stay text: a storyboard has no use for datetimes
            plain = node.style is None
            return Located(value, loc, node.tag, plain, plain and self._comment_follows(node),
                           raw=node.value)
        if isinstance(node, yaml.SequenceNode):
            return Located([self.build(n, depth + 1) for n in node.value], loc, node.tag)
        assert isinstance(node, yaml.MappingNode)
        out: dict[str, Located] = {}
        keys: dict[str, Location] = {}
        for key_node, value_node in node.value:
            key_loc = _location(self.path, key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode):
                raise StoryboardError(key_loc, "", "mapping keys must be plain words")
            key = str(key_node.value)
            if key == "<<":
                raise StoryboardError(key_loc, "", "YAML merge keys (<<) are not supported")
            if key in out:
                raise StoryboardError(key_loc, key, f"duplicated key (first at line {keys[key].line})")
            keys[key] = key_loc
            out[key] = self.build(value_node, depth + 1)
        return Located(out, loc, node.tag, keys=keys)

    def _comment_follows(self, node: yaml.ScalarNode) -> bool:
        end = node.end_mark
        if end.line >= len(self.lines):
            return False
        rest = self.lines[end.line][end.column :]
        return rest.startswith((" #", "\t#"))


def load_yaml(path: Path) -> Located:
    """Load ``path`` as located values, raising ``StoryboardError`` with file:line:column."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StoryboardError(None, "", f"{path}: no such storyboard file") from None
    except IsADirectoryError:
        raise StoryboardError(None, "", f"{path}: is a folder; give the storyboard's .yaml file") from None
    except UnicodeDecodeError as exc:
        raw = path.read_bytes()[: exc.start]
        line = raw.count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n") + 1) + 1
        raise StoryboardError(Location(path, line, column), "",
                              f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); save the storyboard as UTF-8") from None
    except OSError as exc:
        raise StoryboardError(None, "", f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = _location(path, mark) if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        hint = ""
        if "'\\t'" in problem:
            hint = " (indent with spaces, not tabs)"
        elif "mapping values are not allowed" in problem:
            hint = " (a ': ' inside text needs the text in quotes)"
        raise StoryboardError(loc, "", f"YAML syntax error: {problem}{hint}") from None
    except yaml.YAMLError as exc:
        raise StoryboardError(Location(path, 1, 1), "", f"YAML error: {exc}") from None
    if node is None:
        raise StoryboardError(Location(path, 1, 1), "", "the storyboard is empty")
    return _Builder(path, text).build(node)
