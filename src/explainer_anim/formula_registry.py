"""Named formulas a storyboard computes its numbers with, and the value specs that call them.

A content package registers its tested formulas by decorator::

    @register_formula("confidence_penalty")
    def confidence_penalty(t: float) -> float: ...

and a storyboard names them: ``{formula: confidence_penalty, args: {t: 0.75}, format: "{:g}"}``.
An explainer with no Python uses the built-in formula ``expr``, a safe arithmetic expression:
``{expr: "t / (1 - t)", args: {t: 0.75}}``. Either way the number is computed at render time
through ``ExplainerScene.compute`` and lands in the exhibit's values.json with its inputs.
"""

from __future__ import annotations

import ast
import inspect
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .provenance import Computed, formula_name

F = TypeVar("F", bound=Callable[..., Any])

_FORMULAS: dict[str, Callable[..., Any]] = {}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ParamError(ValueError):
    """A scene parameter (a value spec, a formula's arguments, …) that cannot be used as written.
    ``at`` continues the path of the field it was read from (``.args.t``), so that the storyboard
    error names the exact field."""

    def __init__(self, message: str, at: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.at = at


def register_formula(name: str) -> Callable[[F], F]:
    """Decorator: make a function callable from storyboards as ``formula: name``."""
    if not _NAME.match(name):
        raise ValueError(f"formula name {name!r} must be an identifier")

    def register(fn: F) -> F:
        other = _FORMULAS.get(name)
        # The same function imported again (a content package reloaded) is not a conflict.
        if other is not None and formula_name(other) != formula_name(fn):
            raise RuntimeError(f"two formulas are named {name!r}: {formula_name(other)} and {formula_name(fn)}")
        _FORMULAS[name] = fn
        return fn
    return register


def registered_formulas() -> dict[str, Callable[..., Any]]:
    return dict(_FORMULAS)


def formula_by_name(name: str) -> Callable[..., Any]:
    try:
        return _FORMULAS[name]
    except KeyError:
        raise ParamError(f"no formula named {name!r} (registered: {', '.join(sorted(_FORMULAS))})",
                           ".formula") from None


# ----- the built-in arithmetic formula ---------------------------------------------------------

MAX_EXPRESSION_LENGTH = 400  # a storyboard formula fits on a line; this also bounds parse depth
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.Pow: operator.pow}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}
# name -> (function, fewest arguments, most arguments)
_FUNCTIONS: dict[str, tuple[Callable[..., float], int, int]] = {
    "sqrt": (math.sqrt, 1, 1), "exp": (math.exp, 1, 1), "ln": (math.log, 1, 1),
    "log": (math.log, 1, 2), "log2": (math.log2, 1, 1), "log10": (math.log10, 1, 1),
    "abs": (abs, 1, 1), "floor": (math.floor, 1, 1), "ceil": (math.ceil, 1, 1),
    "min": (min, 2, 16), "max": (max, 2, 16),
}
_CONSTANTS = {"pi": math.pi, "e": math.e}
ALLOWED = f"numbers, names from args, + - * / ** ( ), pi, e, {' '.join(_FUNCTIONS)}"
_OPERATOR_SIGNS = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.BitAnd: "&", ast.BitOr: "|",
                   ast.BitXor: "^ (write powers as **)", ast.LShift: "<<", ast.RShift: ">>", ast.Invert: "~",
                   ast.Not: "not"}
_CONSTRUCTS = {ast.Attribute: "an attribute", ast.Subscript: "an index", ast.Compare: "a comparison",
               ast.BoolOp: "and/or", ast.IfExp: "a conditional", ast.Lambda: "a lambda",
               ast.NamedExpr: "an assignment", ast.JoinedStr: "an f-string"}


def _refuse(node: ast.AST, source: str, what: str) -> ParamError:
    snippet = ast.get_source_segment(source, node) or ""
    col = getattr(node, "col_offset", None)
    where = f" at column {col + 1}" if col is not None else ""
    return ParamError(f"{what} in {snippet!r}{where} is not allowed (allowed: {ALLOWED})", ".expr")


def expression_names(source: str) -> frozenset[str]:
    """Check that ``source`` is plain arithmetic and return the names it needs from args."""
    if not isinstance(source, str) or not source.strip():
        raise ParamError("must be an arithmetic expression in quotes, such as \"t / (1 - t)\"", ".expr")
    if len(source) > MAX_EXPRESSION_LENGTH:
        raise ParamError(f"is {len(source)} characters long (at most {MAX_EXPRESSION_LENGTH})", ".expr")
    text = source.strip()
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ParamError(f"{text!r} is not an arithmetic expression: {exc.msg} at column {exc.offset}",
                           ".expr") from None
    names: set[str] = set()
    called = {id(n.func) for n in ast.walk(tree.body) if isinstance(n, ast.Call)}
    for node in ast.walk(tree.body):
        if isinstance(node, (ast.Load, ast.operator, ast.unaryop)):
            continue
        if isinstance(node, (ast.BinOp, ast.UnaryOp)):
            if type(node.op) not in _BINARY and type(node.op) not in _UNARY:
                raise _refuse(node, text, f"the operator {_OPERATOR_SIGNS.get(type(node.op), '?')}")
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise _refuse(node, text, f"the constant {node.value!r}")
        elif isinstance(node, ast.Call):
            fn = node.func
            if not isinstance(fn, ast.Name) or fn.id not in _FUNCTIONS:
                raise _refuse(node, text, f"the function {fn.id}" if isinstance(fn, ast.Name) else "a method call")
            if node.keywords:
                raise _refuse(node, text, "a keyword argument")
            _, low, high = _FUNCTIONS[fn.id]
            if not low <= len(node.args) <= high or any(isinstance(a, ast.Starred) for a in node.args):
                count = f"{low}" if low == high else f"{low} to {high}"
                raise ParamError(f"{fn.id}() takes {count} argument(s): {ast.get_source_segment(text, node)!r}",
                                   ".expr")
        elif isinstance(node, ast.Name):
            if node.id in _FUNCTIONS and id(node) not in called:
                raise _refuse(node, text, f"{node.id} without (arguments)")
            if node.id not in _CONSTANTS and node.id not in _FUNCTIONS:
                names.add(node.id)
        else:
            raise _refuse(node, text, _CONSTRUCTS.get(type(node), f"a {type(node).__name__.lower()}"))
    return frozenset(names)


def _evaluate(node: ast.expr, env: dict[str, float]) -> float:
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return env[node.id] if node.id in env else _CONSTANTS[node.id]
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_evaluate(node.operand, env))
    if isinstance(node, ast.BinOp):
        result = _BINARY[type(node.op)](_evaluate(node.left, env), _evaluate(node.right, env))
        if isinstance(result, complex):
            raise ValueError("a negative number to a fractional power has no real value")
        return result
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    return float(_FUNCTIONS[node.func.id][0](*(_evaluate(a, env) for a in node.args)))


@register_formula("expr")
def arithmetic(expr: str, **names: float) -> float:
    """The value of the arithmetic expression ``expr`` with ``names`` bound (all as floats)."""
    needed = expression_names(expr)
    for name, value in names.items():
        if name in _CONSTANTS or name in _FUNCTIONS:
            raise ParamError(f"{name!r} is a built-in constant or function; give the value another name",
                               f".args.{name}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParamError("must be a number (the expression computes with numbers only)", f".args.{name}")
        if name not in needed:
            raise ParamError(f"is not used by the expression {expr.strip()!r}", f".args.{name}")
    missing = sorted(needed - names.keys())
    if missing:
        raise ParamError(f"the expression uses {', '.join(missing)}, which args does not give", ".args")
    text = expr.strip()
    at = f" at {', '.join(f'{k} = {v!r}' for k, v in names.items())}" if names else ""
    try:
        value = _evaluate(ast.parse(text, mode="eval").body, {k: float(v) for k, v in names.items()})
    except ZeroDivisionError:
        raise ParamError(f"{text!r} divides by zero{at}", ".expr") from None
    except OverflowError:
        raise ParamError(f"{text!r} is too large to compute{at}", ".expr") from None
    except ValueError as exc:
        raise ParamError(f"{text!r} cannot be computed{at}: {exc}", ".expr") from None
    if not math.isfinite(value):
        raise ParamError(f"{text!r} is not a finite number{at}", ".expr")
    return value


def tabulate(formula: str, over: str, at: list[float], args: dict[str, Any]) -> list[float]:
    """The registered ``formula`` at each value of its argument ``over``: a plotted curve."""
    fn = formula_by_name(formula)
    return [float(fn(**args, **{over: x})) for x in at]


# ----- value specs: how a storyboard names a computed number -----------------------------------

_FORMAT = re.compile(r"^[^{}]*\{(:[^{}]*)?\}[^{}]*$")  # one bare field: no names, attributes or indexes
SPEC_KEYS = ("formula", "expr", "args", "format")


@dataclass(frozen=True)
class ValueSpec:
    """A number to compute: a registered formula, its fixed arguments, and how to show it."""

    formula: str
    args: dict[str, Any]
    format: str = "{:g}"

    @property
    def fn(self) -> Callable[..., Any]:
        return formula_by_name(self.formula)

    def call(self, **free: Any) -> Any:
        """The value, for checking a storyboard before rendering: errors become ParamError."""
        try:
            return self.fn(**self.args, **free)
        except ParamError:
            raise
        except (ValueError, ArithmeticError, TypeError) as exc:
            bound = ", ".join(f"{k} = {v!r}" for k, v in free.items())
            raise ParamError(f"{self.formula} fails{' at ' + bound if bound else ''}: {exc}", ".args") from None

    def text(self, value: Any) -> str:
        try:
            return self.format.format(value)
        except (ValueError, TypeError) as exc:
            raise ParamError(f"{self.format!r} cannot show {type(value).__name__} {value!r}: {exc}",
                               ".format") from None

    def compute(self, compute: Callable[..., Computed], name: str, **free: Any) -> Computed:
        """Compute through the scene's ``compute`` (so it is recorded) and return the entry."""
        return compute(name, self.fn, **self.args, **free)


def parse_value_spec(raw: Any, free: tuple[str, ...] = (), default_format: str = "{:g}") -> ValueSpec:
    """Read a value spec from storyboard params and check it by computing it once.

    ``free`` names arguments the scene binds itself (a plot's x); they are checked as present
    in the formula's signature but not computed here.
    """
    if not isinstance(raw, dict):
        raise ParamError('must be a mapping such as {expr: "t / (1 - t)", args: {t: 0.75}} '
                           "or {formula: NAME, args: {...}}")
    for key in raw:
        if key not in SPEC_KEYS:
            raise ParamError(f"unknown field (known: {', '.join(SPEC_KEYS)})", f".{key}")
    if ("formula" in raw) == ("expr" in raw):
        raise ParamError("needs exactly one of formula (a registered formula) or expr (an arithmetic expression)")
    args = raw.get("args", {})
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise ParamError("must be a mapping of argument names to values", ".args")
    for name in args:
        if not isinstance(name, str) or not _NAME.match(name):
            raise ParamError("must be an identifier", f".args.{name}")
        if name in free:
            raise ParamError("is set by the scene (it is the swept variable); remove it from args", f".args.{name}")
    fmt = raw.get("format", default_format)
    if not isinstance(fmt, str) or not _FORMAT.match(fmt):
        raise ParamError('must be a format with one {} field, such as "{:g}", "{:.2f}" or "{:.0%}"', ".format")
    if "expr" in raw:
        if "expr" in args:
            raise ParamError("'expr' is the expression itself; give the argument another name", ".args.expr")
        expr = raw["expr"]
        needed = expression_names(expr)
        unbound = sorted(needed - args.keys() - set(free))
        if unbound:
            raise ParamError(f"the expression uses {', '.join(unbound)}, which args does not give", ".args")
        spec = ValueSpec("expr", {"expr": expr, **args}, fmt)
    else:
        name = raw["formula"]
        if not isinstance(name, str):
            raise ParamError("must be the name of a registered formula", ".formula")
        spec = ValueSpec(name, dict(args), fmt)
        try:
            inspect.signature(spec.fn).bind(**args, **{f: 0 for f in free})
        except TypeError as exc:
            raise ParamError(f"do not fit {name}{inspect.signature(spec.fn)}: {exc}", ".args") from None
    if not free:
        spec.text(spec.call())
    return spec
