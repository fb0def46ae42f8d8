"""The formulas of Kalai, Nachum, Vempala & Zhang, "Why Language Models Hallucinate" (2025).

arXiv:2509.04664 (same text as the OpenAI-hosted PDF). Every function names the result it
computes and cites the section, equation, definition or theorem it comes from. Everything here is
pure and deterministic (randomness only through ``numpy.random.default_rng(seed)``); no manim, no
I/O, so scenes and tests can call it freely.

Conventions
-----------
* Probabilities are floats in [0, 1]; distributions over a finite set are 1-D arrays (or
  sequences) indexed by the element ``x``.
* Natural logarithms throughout (the paper's ``ln``).
* Results are plain floats/ints or small frozen dataclasses whose fields are tuples, so they can be
  shown on screen directly.
* Numbers that are *cited* rather than computed (GPT-4 ECE, SimpleQA, Table 2) are module
  constants whose comments say where they come from.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

# Floating-point slack used when validating that inputs are distributions; the theorems
# themselves are checked exactly in the tests, this only rejects malformed input.
_TOL = 1e-9

IDK = "IDK"
"""The abstention response of Definition 1 (§3.3.1)."""


# ----------------------------------------------------------------------------------------------
# Input validation (shared)
# ----------------------------------------------------------------------------------------------


def _distribution(values: Sequence[float] | np.ndarray, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} must be finite and non-negative")
    if abs(arr.sum() - 1.0) > _TOL:
        raise ValueError(f"{name} must sum to 1 (sums to {arr.sum()!r})")
    return arr


def _mask(values: Sequence[bool] | np.ndarray, size: int, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=bool)
    if arr.shape != (size,):
        raise ValueError(f"{name} must have shape ({size},), got {arr.shape}")
    return arr


def _check_target(t: float) -> float:
    # §4.2's penalty t/(1 - t) is finite only for t < 1; t = 0 is binary grading.
    t = float(t)
    if not (0.0 <= t < 1.0):
        raise ValueError(f"confidence target t must lie in [0, 1), got {t!r}")
    return t


def _check_probability(p: float, name: str = "p") -> float:
    p = float(p)
    if not (0.0 <= p <= 1.0):
        raise ValueError(f"{name} must lie in [0, 1], got {p!r}")
    return p


# ----------------------------------------------------------------------------------------------
# 1. Birthdays (§1, §3.1, Definition 1)
# ----------------------------------------------------------------------------------------------

BIRTHDAY_VALID_COUNT = 2
"""|V_c| for a birthday prompt: the one correct date plus IDK (Definition 1, §3.3.1)."""


def blind_guess_chance(n_days: int = 365) -> float:
    """Chance that a blind guess of a birthday is right: 1/365 (§1; §5 "1/365 certain")."""
    if n_days < 1:
        raise ValueError("n_days must be >= 1")
    return 1.0 / n_days


def birthday_error_count(n_days: int = 365) -> int:
    """|E_c| for a fixed-format birthday prompt: every date but the right one, 364 (§3.3.1)."""
    if n_days < 2:
        raise ValueError("n_days must be >= 2 for there to be any wrong date")
    return n_days - 1


def birthday_valid_to_error_ratio(n_days: int = 365) -> float:
    """Theorem 1's term max_c|V_c| / min_c|E_c| for birthdays: 2/364 (§3.1, §3.2).

    The paper's §3.1 gloss: "for each person there are 364 times more incorrect birthday claims
    in E than correct ones in V, plus IDK", i.e. |V_c| = 2 (date + IDK) against |E_c| = 364.
    """
    return BIRTHDAY_VALID_COUNT / birthday_error_count(n_days)


# ----------------------------------------------------------------------------------------------
# 1b. Table 1's dissertation titles and the letter-counting prompt (§1, §3.3.2)
# ----------------------------------------------------------------------------------------------


def quoted_title(excerpt: str) -> str:
    """The title a Table 1 excerpt claims: the text inside its first “…”, end punctuation dropped."""
    m = re.search(r"\u201c([^\u201d]+)\u201d", excerpt)
    if m is None:
        raise ValueError(f"no “quoted” title in {excerpt!r}")
    return m.group(1).strip().rstrip(".,;:").strip()


def _title_key(title: str) -> str:
    # "on-line" and "Online" are the same word in a title; case and punctuation never matter.
    folded = title.casefold().replace("-", "")
    return " ".join(re.sub(r"[^\w\s]", " ", folded).split())


def same_title(claimed: str, actual: str) -> bool:
    """Whether two titles are the same up to case, hyphens and punctuation (Table 1 vs Kalai 2001)."""
    return _title_key(claimed) == _title_key(actual)


@dataclass(frozen=True)
class TokenLetterCount:
    """How often ``letter`` occurs in a word, letter by letter and token by token (§1, §3.3.2)."""

    word: str
    letter: str
    tokens: tuple[str, ...]
    per_token: tuple[int, ...]
    count: int
    n_letters: int
    n_tokens: int


def count_letter_by_tokens(tokens: Sequence[str], letter: str) -> TokenLetterCount:
    """Count ``letter`` in the word the tokens spell, e.g. D/EEP/SEE/K → one D (§3.3.2).

    The count is taken from the joined string itself; ``per_token`` shows where the letters sit,
    which a model that sees tokens rather than characters has to work out.
    """
    if len(letter) != 1:
        raise ValueError("letter must be a single character")
    if not tokens or any(not t for t in tokens):
        raise ValueError("tokens must be non-empty strings")
    word = "".join(tokens)
    return TokenLetterCount(
        word=word,
        letter=letter,
        tokens=tuple(tokens),
        per_token=tuple(t.count(letter) for t in tokens),
        count=word.count(letter),
        n_letters=len(word),
        n_tokens=len(tokens),
    )


# ----------------------------------------------------------------------------------------------
# 2. The Is-It-Valid reduction: Corollary 1 (§3.1) and Theorem 1 (§3.2)
# ----------------------------------------------------------------------------------------------


def corollary1_bound(err_iiv: float, n_valid: int, n_errors: int, delta: float) -> float:
    """Corollary 1 (§3.1): err >= 2·err_iiv − |V|/|E| − δ; returns the right-hand side."""
    if n_valid < 1 or n_errors < 1:
        raise ValueError("Corollary 1 needs non-empty V and E")
    return 2.0 * err_iiv - n_valid / n_errors - delta


def theorem1_bound(err_iiv: float, max_valid: int, min_errors: int, delta: float) -> float:
    """Theorem 1 (§3.2): err >= 2·err_iiv − max_c|V_c| / min_c|E_c| − δ; returns the RHS.

    With err_iiv replaced by opt(G) this is also the §3.3.2 poor-model bound.
    """
    if max_valid < 1 or min_errors < 1:
        raise ValueError("Theorem 1 needs max_c|V_c| >= 1 and min_c|E_c| >= 1")
    return 2.0 * err_iiv - max_valid / min_errors - delta


@dataclass(frozen=True)
class IIVModel:
    """A finite instance of the §3.1 reduction, every quantity of Corollary 1 computed exactly.

    Tuples are indexed by x in X = V ∪ E. ``f_hat_positive[x]`` is f̂(x) = + (eq. 2), which for
    the prompt-free case is the same as membership of A = {p̂ > 1/|E|}.
    """

    labels: tuple[str, ...]
    p: tuple[float, ...]
    p_hat: tuple[float, ...]
    is_valid: tuple[bool, ...]
    D: tuple[float, ...]
    threshold: float
    f_hat_positive: tuple[bool, ...]
    n_valid: int
    n_errors: int
    err: float
    err_iiv: float
    p_hat_A: float
    p_A: float
    delta: float
    valid_to_error_ratio: float
    bound: float

    @property
    def in_A(self) -> tuple[bool, ...]:
        """Membership of the above-threshold set A (same as f̂ = + without prompts)."""
        return self.f_hat_positive

    @property
    def slack(self) -> float:
        """err − bound; Corollary 1 says this is >= 0."""
        return self.err - self.bound


def finite_iiv_model(
    p: Sequence[float] | np.ndarray,
    p_hat: Sequence[float] | np.ndarray,
    is_valid: Sequence[bool] | np.ndarray,
    labels: Sequence[str] | None = None,
) -> IIVModel:
    """Build the §3.1 reduction for a finite X and evaluate Corollary 1 exactly.

    ``p`` is the training distribution (must satisfy p(E) = 0), ``p_hat`` the base model, both
    indexed by x; ``is_valid[x]`` says x ∈ V. Computes err = p̂(E) (eq. 1); the IIV distribution
    D(x) = p(x)/2 on V and 1/(2|E|) on E; f̂(x) = + iff p̂(x) > 1/|E| and err_iiv = Pr_D[f̂ ≠ f]
    (eq. 2); A = {p̂ > 1/|E|}, δ = |p̂(A) − p(A)|; and Corollary 1's bound.
    """
    p_arr = _distribution(p, "p")
    q_arr = _distribution(p_hat, "p_hat")
    if q_arr.shape != p_arr.shape:
        raise ValueError("p and p_hat must have the same length")
    valid = _mask(is_valid, p_arr.size, "is_valid")
    n_valid = int(valid.sum())
    n_errors = int(p_arr.size - n_valid)
    if n_valid == 0 or n_errors == 0:
        raise ValueError("X = V ∪ E needs both valid strings and errors")
    if p_arr[~valid].sum() > _TOL:
        raise ValueError("Corollary 1 assumes noiseless training data, p(E) = 0")
    if labels is None:
        labels = tuple(f"x{i + 1}" for i in range(p_arr.size))
    elif len(labels) != p_arr.size:
        raise ValueError("labels must have one entry per x")

    threshold = 1.0 / n_errors
    d = np.where(valid, p_arr / 2.0, 1.0 / (2.0 * n_errors))
    positive = q_arr > threshold
    # f = + exactly on V, so f̂ errs where "positive" disagrees with "valid".
    err_iiv = float(d[positive != valid].sum())
    err = float(q_arr[~valid].sum())
    p_hat_a = float(q_arr[positive].sum())
    p_a = float(p_arr[positive].sum())
    delta = abs(p_hat_a - p_a)
    return IIVModel(
        labels=tuple(str(s) for s in labels),
        p=tuple(float(v) for v in p_arr),
        p_hat=tuple(float(v) for v in q_arr),
        is_valid=tuple(bool(v) for v in valid),
        D=tuple(float(v) for v in d),
        threshold=threshold,
        f_hat_positive=tuple(bool(v) for v in positive),
        n_valid=n_valid,
        n_errors=n_errors,
        err=err,
        err_iiv=err_iiv,
        p_hat_A=p_hat_a,
        p_A=p_a,
        delta=delta,
        valid_to_error_ratio=n_valid / n_errors,
        bound=corollary1_bound(err_iiv, n_valid, n_errors, delta),
    )


def small_iiv_example() -> IIVModel:
    """The on-screen instance of Corollary 1 (§3.1): one unlearnable fact, |X| = 8.

    "Which weekday was Zdan born on?" X is the seven weekdays plus IDK; the truth is Tuesday,
    so V = {Tue, IDK} and E = the six other days (|V|/|E| = 1/3, threshold 1/|E| = 1/6). The
    training data say "Tue" 65% of the time and IDK 35%. The model cannot know the fact, so it
    spreads 0.10 over each day, over-likes Saturday (0.20) and abstains a little less than the
    data do (0.20).

    Result: err = 0.70; f̂ = + on {Sat, IDK} = A, so f̂ misses Tue (D = 0.325) and accepts Sat
    (D = 1/12): err_iiv = 49/120 ≈ 0.408; δ = |0.40 − 0.35| = 0.05; bound = 2·49/120 − 1/3 − 0.05
    = 13/30 ≈ 0.433 <= err.
    """
    labels = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "IDK")
    is_valid = (False, True, False, False, False, False, False, True)
    p = (0.0, 0.65, 0.0, 0.0, 0.0, 0.0, 0.0, 0.35)
    p_hat = (0.10, 0.10, 0.10, 0.10, 0.10, 0.20, 0.10, 0.20)
    return finite_iiv_model(p, p_hat, is_valid, labels)


@dataclass(frozen=True)
class IIVPromptedModel:
    """A finite instance of the §3.2 reduction with prompts, every quantity of Theorem 1 exact.

    Per-prompt tuples are indexed ``[c][r]`` over that prompt's plausible responses R_c
    (ragged: prompts may have different numbers of responses).
    """

    mu: tuple[float, ...]
    p_cond: tuple[tuple[float, ...], ...]
    p_hat_cond: tuple[tuple[float, ...], ...]
    valid_mask: tuple[tuple[bool, ...], ...]
    D: tuple[tuple[float, ...], ...]
    threshold: float
    f_hat_positive: tuple[tuple[bool, ...], ...]
    max_valid: int
    min_errors: int
    err: float
    err_iiv: float
    p_hat_A: float
    p_A: float
    delta: float
    valid_to_error_ratio: float
    bound: float

    @property
    def slack(self) -> float:
        """err − bound; Theorem 1 says this is >= 0."""
        return self.err - self.bound


def _prompted_arrays(
    mu: Sequence[float] | np.ndarray,
    p_cond: Sequence[Sequence[float]],
    p_hat_cond: Sequence[Sequence[float]],
    valid_mask: Sequence[Sequence[bool]] | None,
) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    mu_arr = _distribution(mu, "mu")
    if len(p_cond) != mu_arr.size or len(p_hat_cond) != mu_arr.size:
        raise ValueError("p_cond and p_hat_cond need one row per prompt")
    ps = [_distribution(row, f"p(.|c{c})") for c, row in enumerate(p_cond)]
    qs = [_distribution(row, f"p_hat(.|c{c})") for c, row in enumerate(p_hat_cond)]
    if valid_mask is None:
        vs = [np.ones(row.size, dtype=bool) for row in ps]
    else:
        if len(valid_mask) != mu_arr.size:
            raise ValueError("valid_mask needs one row per prompt")
        vs = [_mask(v, ps[c].size, f"valid_mask[{c}]") for c, v in enumerate(valid_mask)]
    for c in range(mu_arr.size):
        if qs[c].size != ps[c].size:
            raise ValueError(f"prompt {c}: p and p_hat have different response sets")
    return mu_arr, ps, qs, vs


def finite_iiv_model_prompted(
    mu: Sequence[float] | np.ndarray,
    p_cond: Sequence[Sequence[float]],
    p_hat_cond: Sequence[Sequence[float]],
    valid_mask: Sequence[Sequence[bool]],
) -> IIVPromptedModel:
    """Build the §3.2 reduction with prompts and evaluate Theorem 1 exactly.

    ``mu[c]`` is the prompt distribution; ``p_cond[c][r]``, ``p_hat_cond[c][r]`` and
    ``valid_mask[c][r]`` range over prompt c's plausible responses R_c (rows may differ in length).
    err = Σ_{(c,r)∈E} μ(c) p̂(r|c); D is ½·p(c,r) on V plus ½·μ(c)/|E_c| on each error;
    f̂(c,r) = + iff p̂(r|c) > 1/min_c|E_c|; A is that same above-threshold set and
    δ = |p̂(A) − p(A)| with p(c,r) = μ(c)p(r|c), p̂(c,r) = μ(c)p̂(r|c).
    """
    mu_arr, ps, qs, vs = _prompted_arrays(mu, p_cond, p_hat_cond, valid_mask)
    n_valid = [int(v.sum()) for v in vs]
    n_err = [int(v.size - v.sum()) for v in vs]
    if min(n_valid) < 1:
        raise ValueError("every prompt needs a valid response (p(.|c) lives on V_c)")
    if min(n_err) < 1:
        raise ValueError("Theorem 1's threshold 1/min_c|E_c| needs every |E_c| >= 1")
    for c in range(mu_arr.size):
        if ps[c][~vs[c]].sum() > _TOL:
            raise ValueError("Theorem 1 assumes noiseless training data, p(E) = 0")

    k, big_k = max(n_valid), min(n_err)
    threshold = 1.0 / big_k
    err = err_iiv = p_hat_a = p_a = 0.0
    d_rows, pos_rows = [], []
    for c, m in enumerate(mu_arr):
        p_c, q_c, v_c = ps[c], qs[c], vs[c]
        d_c = np.where(v_c, m * p_c / 2.0, m / (2.0 * n_err[c]))
        pos_c = q_c > threshold
        err += float(m * q_c[~v_c].sum())
        err_iiv += float(d_c[pos_c != v_c].sum())
        p_hat_a += float(m * q_c[pos_c].sum())
        p_a += float(m * p_c[pos_c].sum())
        d_rows.append(tuple(float(x) for x in d_c))
        pos_rows.append(tuple(bool(x) for x in pos_c))
    delta = abs(p_hat_a - p_a)
    return IIVPromptedModel(
        mu=tuple(float(x) for x in mu_arr),
        p_cond=tuple(tuple(float(x) for x in row) for row in ps),
        p_hat_cond=tuple(tuple(float(x) for x in row) for row in qs),
        valid_mask=tuple(tuple(bool(x) for x in row) for row in vs),
        D=tuple(d_rows),
        threshold=threshold,
        f_hat_positive=tuple(pos_rows),
        max_valid=k,
        min_errors=big_k,
        err=err,
        err_iiv=err_iiv,
        p_hat_A=p_hat_a,
        p_A=p_a,
        delta=delta,
        valid_to_error_ratio=k / big_k,
        bound=theorem1_bound(err_iiv, k, big_k, delta),
    )


# ----------------------------------------------------------------------------------------------
# 2b. Figure 1 (§1.1): Is-It-Valid classifiers fit to synthetic ± data
# ----------------------------------------------------------------------------------------------

FIGURE1_CONCEPTS = ("spelling", "counting", "birthdays")
"""Figure 1's right-hand panels, top to bottom: good model, poor model, no pattern."""

# Counting's + region: a disc off the centre, so the best a line can do is cut it off roughly
# (a systematic error), unlike birthdays where no line does better than chance.
_DISC_CENTRE = np.array([0.35, 0.3])
_DISC_RADIUS = 0.55
_SPELLING_NORMAL = np.array([1.0, 0.6]) / math.hypot(1.0, 0.6)
_SPELLING_MARGIN = 0.15


def _figure1_points(concept: str, n_pos: int, n_neg: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    def draw(k: int, keep) -> np.ndarray:  # type: ignore[no-untyped-def]
        out = np.empty((0, 2))
        while len(out) < k:  # rejection sampling from the uniform square
            cand = rng.uniform(-1.0, 1.0, size=(2 * k + 8, 2))
            out = np.vstack([out, cand[keep(cand)]])
        return out[:k]

    if concept == "spelling":
        side = lambda x: x @ _SPELLING_NORMAL  # noqa: E731
        pos = draw(n_pos, lambda x: side(x) > _SPELLING_MARGIN)
        neg = draw(n_neg, lambda x: side(x) < -_SPELLING_MARGIN)
    elif concept == "counting":
        radius = lambda x: np.hypot(*(x - _DISC_CENTRE).T)  # noqa: E731
        pos = draw(n_pos, lambda x: radius(x) < _DISC_RADIUS)
        neg = draw(n_neg, lambda x: radius(x) >= _DISC_RADIUS)
    elif concept == "birthdays":
        pos = rng.uniform(-1.0, 1.0, size=(n_pos, 2))
        neg = rng.uniform(-1.0, 1.0, size=(n_neg, 2))
    else:
        raise ValueError(f"concept must be one of {FIGURE1_CONCEPTS}, got {concept!r}")
    points = np.vstack([pos, neg])
    labels = np.array([True] * n_pos + [False] * n_neg)
    order = rng.permutation(len(points))
    return points[order], labels[order]


def figure1_sample(concept: str, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n points of [−1, 1]² labelled valid (+, True) or error (−), half each, as in IIV's D (§1.1).

    spelling: + and − lie on either side of a line with a margin (a linear model can learn it);
    counting: + fill a disc (a linear model can only cut it off roughly); birthdays: the
    label is independent of the point (there is no pattern to learn).
    """
    if n < 2:
        raise ValueError("need at least two points")
    return _figure1_points(concept, n - n // 2, n // 2, np.random.default_rng(seed))


def fit_linear_classifier(points: np.ndarray, labels: np.ndarray, ridge: float = 1e-2,
                          iterations: int = 100) -> tuple[float, float, float]:
    """Logistic regression by Newton's method: (w1, w2, b), classifying + iff w·x + b > 0.

    A small ridge on w keeps the weights finite when the data are separable (spelling).
    """
    x = np.column_stack([np.asarray(points, dtype=float), np.ones(len(points))])
    y = np.asarray(labels, dtype=float)
    penalty = ridge * np.diag([1.0, 1.0, 0.0])
    beta = np.zeros(3)
    for _ in range(iterations):
        prob = 1.0 / (1.0 + np.exp(-(x @ beta)))
        grad = x.T @ (prob - y) + penalty @ beta
        hess = x.T @ (x * (prob * (1.0 - prob))[:, None]) + penalty + 1e-9 * np.eye(3)
        step = np.linalg.solve(hess, grad)
        beta = beta - step
        if np.max(np.abs(step)) < 1e-12:
            break
    return float(beta[0]), float(beta[1]), float(beta[2])


def misclassification_rate(points: np.ndarray, labels: np.ndarray, w1: float, w2: float, b: float) -> float:
    """Fraction of points whose label differs from the linear classifier's (+ iff w·x + b > 0)."""
    pts = np.asarray(points, dtype=float)
    predicted = pts @ np.array([w1, w2]) + b > 0
    return float(np.mean(predicted != np.asarray(labels, dtype=bool)))


@dataclass(frozen=True)
class Figure1Panel:
    """One right-hand panel of Figure 1: labelled points, the fitted line, its error rates."""

    concept: str
    points: tuple[tuple[float, float], ...]
    labels: tuple[bool, ...]
    w1: float
    w2: float
    b: float
    train_error: float
    test_error: float
    n_test: int


def figure1_panel(concept: str, n: int = 40, n_test: int = 2000, seed: int = 0) -> Figure1Panel:
    """Fit a linear IIV classifier to ``n`` seeded points of ``concept`` and measure its error
    on ``n_test`` fresh points of the same distribution (Figure 1, right; §1.1).

    Expect ≈ 0 for spelling, a large error for counting (a line cannot carve out a disc: a poor
    model, §3.3.2) and ≈ 1/2 for birthdays (no pattern at all, §3.3.1).
    """
    points, labels = figure1_sample(concept, n, seed)
    w1, w2, b = fit_linear_classifier(points, labels)
    rng = np.random.default_rng([seed, 1])  # an independent stream for the test points
    test_points, test_labels = _figure1_points(concept, n_test - n_test // 2, n_test // 2, rng)
    return Figure1Panel(
        concept=concept,
        points=tuple((float(x), float(y)) for x, y in points),
        labels=tuple(bool(v) for v in labels),
        w1=w1,
        w2=w2,
        b=b,
        train_error=misclassification_rate(points, labels, w1, w2, b),
        test_error=misclassification_rate(test_points, test_labels, w1, w2, b),
        n_test=n_test,
    )


# ----------------------------------------------------------------------------------------------
# 3. Calibration: why δ is small after pretraining (§3.1, eq. 3; §3.2)
# ----------------------------------------------------------------------------------------------

GPT4_ECE_PRETRAIN = 0.007
"""ECE of the pretrained GPT-4 on an MMLU subset. Cited, not computed: printed inside Figure 8
of the GPT-4 Technical Report (OpenAI 2023), reprinted as the left panel of the paper's
Figure 2 ("Calibration curve (model=pre-train)"). The value is in the figure image only."""

GPT4_ECE_PPO = 0.074
"""ECE of GPT-4 after PPO post-training, same subset. Cited, not computed: GPT-4 Technical
Report (OpenAI 2023) Figure 8, right panel ("Calibration curve (model=ppo)"), reprinted as the
paper's Figure 2."""


def cross_entropy(p: Sequence[float] | np.ndarray, p_hat: Sequence[float] | np.ndarray) -> float:
    """The pretraining objective L(p̂) = E_{x∼p}[−ln p̂(x)] (§3.1, eq. 3).

    Terms with p(x) = 0 contribute 0; if p̂ misses part of p's support the loss is +inf.
    """
    p_arr = np.asarray(p, dtype=float)
    q_arr = np.asarray(p_hat, dtype=float)
    support = p_arr > 0
    if np.any(q_arr[support] <= 0):
        return math.inf
    return float(-(p_arr[support] * np.log(q_arr[support])).sum())


def rescaled_model(p_hat: Sequence[float] | np.ndarray, s: float, threshold: float) -> np.ndarray:
    """p̂_s (§3.1): multiply the mass above ``threshold`` by s > 0, then renormalize.

    Membership of the scaled set is decided by the *original* p̂, so A is the same for every s;
    that is what makes dL/ds at s = 1 equal p̂(A) − p(A).
    """
    if s <= 0:
        raise ValueError("the rescaling factor s must be > 0")
    q_arr = np.asarray(p_hat, dtype=float)
    scaled = np.where(q_arr > threshold, s * q_arr, q_arr)
    return scaled / scaled.sum()


def calibration_loss_slope(
    p: Sequence[float] | np.ndarray, p_hat: Sequence[float] | np.ndarray, threshold: float
) -> float:
    """Signed dL(p̂_s)/ds at s = 1, in closed form: p̂(A) − p(A) (§3.1).

    Derivation: with Z(s) = s·p̂(A) + 1 − p̂(A), L(p̂_s) = L(p̂) − p(A)·ln s + ln Z(s), so
    dL/ds = −p(A)/s + p̂(A)/Z(s), which at s = 1 (Z = 1) is p̂(A) − p(A). Positive means the
    loss falls by shrinking the above-threshold mass (s < 1).
    """
    p_arr = np.asarray(p, dtype=float)
    q_arr = np.asarray(p_hat, dtype=float)
    above = q_arr > threshold
    return float(q_arr[above].sum() - p_arr[above].sum())


def calibration_delta_closed_form(
    p: Sequence[float] | np.ndarray, p_hat: Sequence[float] | np.ndarray, threshold: float
) -> float:
    """δ = |dL(p̂_s)/ds at s = 1| = |p̂(A) − p(A)| (§3.1), closed form (see the slope)."""
    return abs(calibration_loss_slope(p, p_hat, threshold))


def calibration_delta_numeric(
    p: Sequence[float] | np.ndarray,
    p_hat: Sequence[float] | np.ndarray,
    threshold: float,
    h: float = 1e-5,
) -> float:
    """δ = |dL(p̂_s)/ds at s = 1| (§3.1) by a central difference of eq. (3); checks the algebra."""
    upper = cross_entropy(p, rescaled_model(p_hat, 1.0 + h, threshold))
    lower = cross_entropy(p, rescaled_model(p_hat, 1.0 - h, threshold))
    return abs((upper - lower) / (2.0 * h))


def cross_entropy_prompted(
    mu: Sequence[float] | np.ndarray,
    p_cond: Sequence[Sequence[float]],
    p_hat_cond: Sequence[Sequence[float]],
) -> float:
    """L(p̂) = Σ_{(c,r)} −μ(c)·p(r|c)·ln p̂(r|c) (§3.2), i.e. E_{(c,r)∼p}[−ln p̂(r|c)].

    The paper prints Σ_{(c,r)∈X} −μ(c) ln p̂(r|c), without the weight p(r|c); only the weighted
    form is the cross-entropy of eq. (3), and only it has |dL/ds| = δ.
    """
    return float(
        sum(float(m) * cross_entropy(p_c, q_c) for m, p_c, q_c in zip(mu, p_cond, p_hat_cond) if m)
    )


def rescaled_model_prompted(
    p_hat_cond: Sequence[Sequence[float]], s: float, threshold: float
) -> tuple[np.ndarray, ...]:
    """p̂_s(r|c) with prompts (§3.2): one s for all prompts, renormalized per prompt."""
    return tuple(rescaled_model(q_c, s, threshold) for q_c in p_hat_cond)


def calibration_delta_prompted_closed_form(
    mu: Sequence[float] | np.ndarray,
    p_cond: Sequence[Sequence[float]],
    p_hat_cond: Sequence[Sequence[float]],
    threshold: float,
) -> float:
    """|dL(p̂_s)/ds at s = 1| with prompts (§3.2) = |Σ_c μ(c)(p̂(A_c|c) − p(A_c|c))| = δ."""
    total = sum(
        float(m) * calibration_loss_slope(p_c, q_c, threshold)
        for m, p_c, q_c in zip(mu, p_cond, p_hat_cond)
    )
    return abs(total)


def calibration_delta_prompted_numeric(
    mu: Sequence[float] | np.ndarray,
    p_cond: Sequence[Sequence[float]],
    p_hat_cond: Sequence[Sequence[float]],
    threshold: float,
    h: float = 1e-5,
) -> float:
    """|dL(p̂_s)/ds at s = 1| with prompts (§3.2) by central difference."""
    upper = cross_entropy_prompted(mu, p_cond, rescaled_model_prompted(p_hat_cond, 1 + h, threshold))
    lower = cross_entropy_prompted(mu, p_cond, rescaled_model_prompted(p_hat_cond, 1 - h, threshold))
    return abs((upper - lower) / (2.0 * h))


def loss_minimizing_scale(
    p: Sequence[float] | np.ndarray, p_hat: Sequence[float] | np.ndarray, threshold: float
) -> float:
    """The s > 0 that minimizes L(p̂_s) (§3.1), in closed form: p(A)(1 − p̂(A)) / (p̂(A)(1 − p(A))).

    From dL/ds = −p(A)/s + p̂(A)/(s·p̂(A) + 1 − p̂(A)) = 0. It is 1 exactly when p̂(A) = p(A),
    i.e. when δ = 0; needs 0 < p(A) < 1 and 0 < p̂(A) < 1 for a finite minimum.
    """
    p_arr = np.asarray(p, dtype=float)
    q_arr = np.asarray(p_hat, dtype=float)
    above = q_arr > threshold
    p_a, q_a = float(p_arr[above].sum()), float(q_arr[above].sum())
    if not (0.0 < p_a < 1.0 and 0.0 < q_a < 1.0):
        raise ValueError("L(p̂_s) has a finite minimizer only when 0 < p(A), p̂(A) < 1")
    return p_a * (1.0 - q_a) / (q_a * (1.0 - p_a))


def recalibrated_model(
    p: Sequence[float] | np.ndarray, p_hat: Sequence[float] | np.ndarray, threshold: float
) -> tuple[float, ...]:
    """p̂ rescaled by its loss-minimizing s (§3.1): the step local optimization takes, after which
    p̂(A) = p(A), so δ = 0 and the loss curve's minimum sits at s = 1."""
    scaled = rescaled_model(p_hat, loss_minimizing_scale(p, p_hat, threshold), threshold)
    return tuple(float(v) for v in scaled)


@dataclass(frozen=True)
class CalibrationCurve:
    """L(p̂_s) over a grid of s (§3.1, eq. 3), with its slope at s = 1 (= p̂(A) − p(A)) and minimum."""

    s: tuple[float, ...]
    loss: tuple[float, ...]
    loss_at_1: float
    slope_at_1: float
    delta: float
    best_s: float
    best_loss: float


def calibration_curve(
    p: Sequence[float] | np.ndarray,
    p_hat: Sequence[float] | np.ndarray,
    threshold: float,
    s_min: float = 0.5,
    s_max: float = 1.5,
    n_points: int = 41,
) -> CalibrationCurve:
    """The cross-entropy of p̂_s as a function of s, for a plot of δ = |dL/ds at s = 1| (§3.1)."""
    if not 0 < s_min < 1 < s_max:
        raise ValueError("the grid must contain s = 1 strictly inside (0 < s_min < 1 < s_max)")
    grid = np.linspace(s_min, s_max, n_points)
    best = loss_minimizing_scale(p, p_hat, threshold)
    slope = calibration_loss_slope(p, p_hat, threshold)
    return CalibrationCurve(
        s=tuple(float(v) for v in grid),
        loss=tuple(cross_entropy(p, rescaled_model(p_hat, v, threshold)) for v in grid),
        loss_at_1=cross_entropy(p, p_hat),
        slope_at_1=slope,
        delta=abs(slope),
        best_s=best,
        best_loss=cross_entropy(p, rescaled_model(p_hat, best, threshold)),
    )


def cited_gpt4_ece(model: str) -> float:
    """GPT-4's ECE as printed in Figure 8 of the GPT-4 Technical Report (OpenAI 2023), reprinted
    as the paper's Figure 2: ``"pre-train"`` → 0.007, ``"ppo"`` → 0.074. Cited, not computed."""
    cited = {"pre-train": GPT4_ECE_PRETRAIN, "ppo": GPT4_ECE_PPO}
    if model not in cited:
        raise ValueError(f"model must be one of {sorted(cited)}, got {model!r}")
    return cited[model]


# ----------------------------------------------------------------------------------------------
# 4. Arbitrary facts: singleton rate and Theorem 2 (§3.3.1, Definitions 1–2, Appendix B)
# ----------------------------------------------------------------------------------------------


def _answered_prompt_counts(samples: Iterable[tuple[Hashable, Hashable]], idk: Hashable):
    n = 0
    counts: Counter = Counter()
    for c, r in samples:
        n += 1
        if r != idk:
            counts[c] += 1
    return n, counts


def singleton_rate(samples: Iterable[tuple[Hashable, Hashable]], idk: Hashable = IDK) -> float:
    """sr = |S|/N (Definition 2, §3.3.1).

    A prompt is a singleton if exactly one of its samples is not IDK; IDK samples do not count
    toward a prompt's occurrences, but N is the number of *all* samples, IDK included.
    """
    n, counts = _answered_prompt_counts(samples, idk)
    if n == 0:
        raise ValueError("need at least one sample")
    return sum(1 for k in counts.values() if k == 1) / n


def good_turing_missing_mass(
    samples: Iterable[tuple[Hashable, Hashable]], idk: Hashable = IDK
) -> float:
    """Good–Turing estimate of the missing mass MM with abstentions (§3.3.1, Appendix B).

    The fraction of the N samples that are a non-IDK answer to a prompt answered exactly once.
    Each singleton prompt contributes exactly one such sample, so this is *identically* sr:
    Definition 2's singleton rate is Turing's "fraction of samples appearing exactly once" with
    IDK samples never counted as repeats or as singletons. (Lemma 1's proof instead collapses every
    IDK sample into one symbol; that variant is :func:`good_turing_collapsed_idk` and differs
    from sr by 0 or 1/N.)
    """
    samples = list(samples)
    n, counts = _answered_prompt_counts(samples, idk)
    if n == 0:
        raise ValueError("need at least one sample")
    return sum(1 for c, r in samples if r != idk and counts[c] == 1) / n


def good_turing_collapsed_idk(
    samples: Iterable[tuple[Hashable, Hashable]], idk: Hashable = IDK
) -> float:
    """GT of Lemma 1's proof (Appendix B): replace every (c, IDK) by one IDK symbol, then take the
    fraction of samples occurring exactly once. GT − sr ∈ {0, 1/N} (1/N iff exactly one IDK)."""
    items = [idk if r == idk else (c, r) for c, r in samples]
    if not items:
        raise ValueError("need at least one sample")
    counts = Counter(items)
    return sum(1 for x in items if counts[x] == 1) / len(items)


def theorem2_slack(n: float) -> float:
    """Theorem 2's finite-sample term (35 + 6 ln N)/√N (§3.3.1); ≈ 0.1179 at N = 10^6."""
    if n < 1:
        raise ValueError("N must be >= 1")
    return (35.0 + 6.0 * math.log(n)) / math.sqrt(n)


def theorem2_lower_bound(sr: float, min_errors: int, n: float, delta: float) -> float:
    """Theorem 2 (§3.3.1), with probability >= 99%: err >= sr − 2/min_c|E_c| − (35+6 ln N)/√N − δ."""
    if min_errors < 1:
        raise ValueError("min_c|E_c| must be >= 1")
    return sr - 2.0 / min_errors - theorem2_slack(n) - delta


def theorem2_upper_bound(sr: float, max_errors: int, n: float) -> float:
    """Theorem 2 (§3.3.1), calibrated algorithm, prob. >= 99%: err <= sr − sr/(max_c|E_c|+1) + 13/√N."""
    if max_errors < 0:
        raise ValueError("max_c|E_c| must be >= 0")
    if n < 1:
        raise ValueError("N must be >= 1")
    return sr - sr / (max_errors + 1) + 13.0 / math.sqrt(n)


def theorem2_lower_bound_general(
    sr: float, min_errors: int, n: float, delta: float, gamma: float
) -> float:
    """Appendix B's lower bound with failure probability γ: sr − 2/min|E_c| − 6 ln(3N/γ)/√N − δ."""
    if not 0 < gamma <= 1:
        raise ValueError("gamma must lie in (0, 1]")
    return sr - 2.0 / min_errors - 6.0 * math.log(3.0 * n / gamma) / math.sqrt(n) - delta


def theorem2_upper_bound_general(sr: float, max_errors: int, n: float, gamma: float) -> float:
    """Appendix B's upper bound with failure probability γ: sr − sr/(L+1) + 5·√(ln(5/γ)/N)."""
    if not 0 < gamma <= 1:
        raise ValueError("gamma must lie in (0, 1]")
    return sr - sr / (max_errors + 1) + 5.0 * math.sqrt(math.log(5.0 / gamma) / n)


def theorem2_lower_constant(gamma: float = 0.01) -> float:
    """6 ln(3/γ), the constant rounded up to 35 in Theorem 2: 6 ln 300 ≈ 34.22 at γ = 0.01."""
    return 6.0 * math.log(3.0 / gamma)


def theorem2_upper_constant(gamma: float = 0.01) -> float:
    """5·√(ln(5/γ)), the constant rounded up to 13 in Theorem 2: 5·√(ln 500) ≈ 12.46 at γ = 0.01."""
    return 5.0 * math.sqrt(math.log(5.0 / gamma))


def theorem2_min_n_informative(sr: float, min_errors: int, delta: float = 0.0) -> float:
    """Smallest N at which Theorem 2's lower bound turns positive (§3.3.1), by bisection on ln N.

    The slack (35 + 6 ln N)/√N decreases in N for all N >= 1, so the crossing is unique.
    Returns inf if sr − 2/min|E_c| − δ <= 0 (the bound is then never positive).
    """
    target = sr - 2.0 / min_errors - delta
    if target <= 0:
        return math.inf
    lo, hi = 0.0, 1.0
    while theorem2_slack(math.exp(hi)) > target:
        hi *= 2.0
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if theorem2_slack(math.exp(mid)) > target:
            lo = mid
        else:
            hi = mid
    return math.exp(hi)


IDK_CODE = -1
"""How :func:`simulate_arbitrary_facts` encodes an IDK response in its integer arrays."""


@dataclass(frozen=True, eq=False)
class ArbitraryFactsSimulation:
    """One draw from the Arbitrary Facts model (Definition 1) and Theorem 2 evaluated on it.

    ``prompts[i]`` and ``responses[i]`` are the i-th training pair (integer codes; response
    ``IDK_CODE`` is IDK). ``count_histogram`` lists (k, number of prompts answered exactly k
    times) for every k that occurs, k = 0 (unanswered) included. ``err`` is the *exact*
    generative error of Appendix B's calibrated memorize-then-guess algorithm given this sample,
    ``missing_mass`` the exact MM, ``delta`` that algorithm's exact calibration gap (0).
    """

    n_samples: int
    n_prompts: int
    n_responses: int
    alpha: float
    zipf_exponent: float
    seed: int
    mu: np.ndarray
    correct_answers: np.ndarray
    prompts: np.ndarray
    responses: np.ndarray
    count_histogram: tuple[tuple[int, int], ...]
    n_singletons: int
    sr: float
    missing_mass: float
    err: float
    delta: float
    lower_bound: float
    upper_bound: float

    @property
    def min_errors(self) -> int:
        """min_c|E_c| = max_c|E_c| = |R_c| − 1 (every prompt has the same response set size)."""
        return self.n_responses - 1

    @property
    def within_bounds(self) -> bool:
        """lower_bound <= err <= upper_bound."""
        return self.lower_bound <= self.err <= self.upper_bound

    def pairs(self, idk: Hashable = IDK) -> list[tuple[int, Hashable]]:
        """The sample as (prompt, response) pairs, IDK spelled ``idk`` (for :func:`singleton_rate`)."""
        return [
            (int(c), idk if r == IDK_CODE else int(r))
            for c, r in zip(self.prompts.tolist(), self.responses.tolist())
        ]


def zipf_prompt_distribution(n_prompts: int, exponent: float) -> np.ndarray:
    """μ(c) ∝ c^(−exponent) for c = 1..n_prompts, normalized: a long-tailed prompt distribution
    (a few "Einsteins" asked about often, a long tail of people mentioned once; §3.3.1)."""
    if n_prompts < 1:
        raise ValueError("n_prompts must be >= 1")
    w = np.arange(1, n_prompts + 1, dtype=float) ** (-float(exponent))
    return w / w.sum()


def simulate_arbitrary_facts(
    n_samples: int = 1_000_000,
    n_prompts: int = 3_000_000,
    n_responses: int = 365,
    alpha: float = 0.9,
    zipf_exponent: float = 1.0,
    seed: int = 0,
) -> ArbitraryFactsSimulation:
    """Sample the Arbitrary Facts model (Definition 1) and check Theorem 2 (§3.3.1, Appendix B).

    Prompts c ~ μ (Zipf-like, :func:`zipf_prompt_distribution`); each prompt has |R_c| =
    ``n_responses`` answers and one uniformly random correct answer a_c; a sample answers a_c with
    probability α and says IDK otherwise. The hallucination rate is that of Appendix B's
    calibrated algorithm (memorize seen facts; on an unseen prompt abstain w.p. 1 − α, else answer
    uniformly over R_c), computed exactly from μ rather than sampled:
    err = Σ_{c unseen} μ(c)·α·(1 − 1/|R_c|). δ is computed exactly too (it is 0, as the theorem
    says). The defaults give sr ≈ 0.20, echoing §1.1's "20% of birthday facts appear exactly once".
    """
    if n_samples < 1 or n_responses < 2:
        raise ValueError("need n_samples >= 1 and n_responses >= 2")
    alpha = _check_probability(alpha, "alpha")
    rng = np.random.default_rng(seed)
    mu = zipf_prompt_distribution(n_prompts, zipf_exponent)
    correct = rng.integers(0, n_responses, size=n_prompts)
    prompts = rng.choice(n_prompts, size=n_samples, p=mu)
    answered = rng.random(n_samples) < alpha
    responses = np.where(answered, correct[prompts], IDK_CODE)

    counts = np.bincount(prompts[answered], minlength=n_prompts)
    hist = np.bincount(counts)
    count_histogram = tuple((int(k), int(m)) for k, m in enumerate(hist) if m)
    n_singletons = int(hist[1]) if hist.size > 1 else 0
    sr = n_singletons / n_samples

    unseen = counts == 0
    mass_unseen = float(mu[unseen].sum())
    missing_mass = alpha * mass_unseen
    err = alpha * (1.0 - 1.0 / n_responses) * mass_unseen

    # δ of the calibrated algorithm at Theorem 1's threshold 1/min_c|E_c|: compare p̂(A) with
    # p(A) response by response (IDK, the true answer a_c, the other answers).
    threshold = 1.0 / (n_responses - 1)
    seen_mass = 1.0 - mass_unseen
    idk_in_a = (1.0 - alpha) > threshold
    guess_in_a = alpha / n_responses > threshold  # p̂ on unseen prompts, every r ∈ R_c
    known_in_a = alpha > threshold  # p̂(a_c|c) on seen prompts
    p_hat_a = (1.0 - alpha) * idk_in_a + seen_mass * alpha * known_in_a
    p_hat_a += mass_unseen * n_responses * (alpha / n_responses) * guess_in_a
    # p puts α on a_c alone, which is above threshold for an unseen c iff every guess is.
    p_a = (1.0 - alpha) * idk_in_a + seen_mass * alpha * known_in_a
    p_a += mass_unseen * alpha * guess_in_a
    delta = abs(p_hat_a - p_a)

    for arr in (mu, correct, prompts, responses):
        arr.setflags(write=False)
    return ArbitraryFactsSimulation(
        n_samples=n_samples,
        n_prompts=n_prompts,
        n_responses=n_responses,
        alpha=alpha,
        zipf_exponent=float(zipf_exponent),
        seed=seed,
        mu=mu,
        correct_answers=correct,
        prompts=prompts,
        responses=responses,
        count_histogram=count_histogram,
        n_singletons=n_singletons,
        sr=sr,
        missing_mass=missing_mass,
        err=err,
        delta=delta,
        lower_bound=theorem2_lower_bound(sr, n_responses - 1, n_samples, delta),
        upper_bound=theorem2_upper_bound(sr, n_responses - 1, n_samples),
    )


@dataclass(frozen=True)
class Theorem2Curve:
    """Theorem 2's bounds against N at a fixed singleton rate, for a plot (§3.3.1)."""

    sr: float
    min_errors: int
    max_errors: int
    delta: float
    n: tuple[float, ...]
    slack: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]


def theorem2_bounds_over_n(
    sr: float = 0.2,
    min_errors: int = 364,
    max_errors: int = 364,
    delta: float = 0.0,
    n_min: float = 1e3,
    n_max: float = 1e12,
    n_points: int = 46,
) -> Theorem2Curve:
    """Theorem 2's lower and upper bounds for log-spaced N in [n_min, n_max] (§3.3.1).

    sr is held fixed (default 0.2, §1.1's hypothetical "20% of birthday facts appear once") and
    |E_c| = 364 (birthdays); the default 46 points put 5 per decade from 10^3 to 10^12.
    """
    ns = np.logspace(math.log10(n_min), math.log10(n_max), n_points)
    return Theorem2Curve(
        sr=sr,
        min_errors=min_errors,
        max_errors=max_errors,
        delta=delta,
        n=tuple(float(v) for v in ns),
        slack=tuple(theorem2_slack(v) for v in ns),
        lower=tuple(theorem2_lower_bound(sr, min_errors, v, delta) for v in ns),
        upper=tuple(theorem2_upper_bound(sr, max_errors, v) for v in ns),
    )


@dataclass(frozen=True)
class ArbitraryFactsSummary:
    """What a screen shows of :func:`simulate_arbitrary_facts`: counts, sr, err and the bounds.

    ``counts[i]`` is the number of prompts answered exactly ``ks[i]`` times, ks = 1..max_count;
    ``more`` those answered more often, ``unseen`` those never answered (IDK samples ignored).
    """

    n_samples: int
    n_prompts: int
    n_responses: int
    alpha: float
    seed: int
    ks: tuple[int, ...]
    counts: tuple[int, ...]
    more: int
    unseen: int
    n_singletons: int
    sr: float
    missing_mass: float
    err: float
    delta: float
    lower_bound: float
    upper_bound: float


def arbitrary_facts_summary(
    n_samples: int = 1_000_000,
    n_prompts: int = 3_000_000,
    n_responses: int = 365,
    alpha: float = 0.9,
    zipf_exponent: float = 1.0,
    seed: int = 0,
    max_count: int = 8,
) -> ArbitraryFactsSummary:
    """Run :func:`simulate_arbitrary_facts` and keep only its summary (§3.3.1, Theorem 2): the
    sampled corpus itself is millions of numbers, too many to record with what the screen shows."""
    if max_count < 1:
        raise ValueError("max_count must be >= 1")
    sim = simulate_arbitrary_facts(n_samples, n_prompts, n_responses, alpha, zipf_exponent, seed)
    hist = dict(sim.count_histogram)
    return ArbitraryFactsSummary(
        n_samples=sim.n_samples,
        n_prompts=sim.n_prompts,
        n_responses=sim.n_responses,
        alpha=sim.alpha,
        seed=sim.seed,
        ks=tuple(range(1, max_count + 1)),
        counts=tuple(hist.get(k, 0) for k in range(1, max_count + 1)),
        more=sum(m for k, m in hist.items() if k > max_count),
        unseen=hist.get(0, 0),
        n_singletons=sim.n_singletons,
        sr=sim.sr,
        missing_mass=sim.missing_mass,
        err=sim.err,
        delta=sim.delta,
        lower_bound=sim.lower_bound,
        upper_bound=sim.upper_bound,
    )


# ----------------------------------------------------------------------------------------------
# 5. Poor models: Theorem 3, Theorem 4, Corollary 2 and the trigram example (§3.3.2, Appendix C)
# ----------------------------------------------------------------------------------------------


def multiple_choice_factor(n_choices: int) -> float:
    """Theorem 3's factor 2(1 − 1/C) (§3.3.2): 1 for C = 2, 1.5 for C = 4."""
    if n_choices < 1:
        raise ValueError("need at least one choice")
    return 2.0 * (1.0 - 1.0 / n_choices)


def theorem3_bound(n_choices: int, opt_g: float) -> float:
    """Theorem 3 (§3.3.2, pure multiple choice, |V_c| = 1): err >= 2(1 − 1/C)·opt(G)."""
    return multiple_choice_factor(n_choices) * opt_g


def theorem4_expected_err_iiv(
    mu: Sequence[float] | np.ndarray,
    p_cond: Sequence[Sequence[float]],
    p_hat_cond: Sequence[Sequence[float]],
    valid_mask: Sequence[Sequence[bool]],
) -> float:
    """E_t[err_iiv(f̂_t)] for t ~ Uniform[0, 1] (Appendix C, proof of Theorem 4).

    Pr_t[f̂_t(c,r) = +] = p̂(r|c), so a valid pair is missed with probability 1 − p̂(r|c) and an
    error accepted with probability p̂(r|c), each weighted by D. Theorem 4 says
    err >= 2(1 − 1/C)·E_t[err_iiv(f̂_t)] >= 2(1 − 1/C)·min_t err_iiv(f̂_t) when |V_c| = 1.
    """
    mu_arr, ps, qs, vs = _prompted_arrays(mu, p_cond, p_hat_cond, valid_mask)
    total = 0.0
    for c, m in enumerate(mu_arr):
        n_err = int(vs[c].size - vs[c].sum())
        if n_err == 0:
            raise ValueError("every prompt needs at least one error")
        d_c = np.where(vs[c], m * ps[c] / 2.0, m / (2.0 * n_err))
        total += float(np.where(vs[c], d_c * (1.0 - qs[c]), d_c * qs[c]).sum())
    return total


TRIGRAM_PROMPTS = (
    "She lost it and was completely out of . . .",
    "He lost it and was completely out of . . .",
)
"""c1, c2 of §3.3.2, as printed."""

TRIGRAM_RESPONSES = ("her mind.", "his mind.")
"""r1, r2 of §3.3.2: V_{c1} = E_{c2} = {r1}, V_{c2} = E_{c1} = {r2}."""


@dataclass(frozen=True)
class TrigramBruteForce:
    """Result of :func:`trigram_opt_by_brute_force`.

    ``labelings`` are the realisable labelings of the pairs (c1,r1), (c1,r2), (c2,r1), (c2,r2)
    (True = +); ``errors[i]`` is Pr_D[g ≠ f] of ``labelings[i]``.
    """

    pairs: tuple[tuple[str, str], ...]
    labelings: tuple[tuple[bool, bool, bool, bool], ...]
    errors: tuple[float, ...]
    opt: float
    n_models: int
    n_thresholds: int
    generation_errors: tuple[float, ...]


def trigram_opt_by_brute_force(grid: int = 101) -> TrigramBruteForce:
    """opt(G) for trigram classifiers g_{θ,t} on §3.3.2's example, by exhaustive search: 1/2.

    A trigram model predicts each word from the previous two, so after "... out of" it gives
    both prompts the same response distribution: q on "her mind.", 1 − q on "his mind." (the
    second word "mind." is then forced by "of her"/"of his" alike). Every (q, t) on a
    ``grid``×``grid`` lattice of [0, 1]² (which hits all four possible labelings) gives a
    classifier g(c, r) = + iff q(r) > t; D is the 50/50 mix of p (μ uniform, one valid answer per
    prompt) and uniform errors, so each of the four pairs has D-mass 1/4. Also records every
    model's generation error μ(c1)·q(r2) + μ(c2)·q(r1), which is 1/2 whatever q is.
    """
    pairs = tuple((c, r) for c in TRIGRAM_PROMPTS for r in TRIGRAM_RESPONSES)
    f = (True, False, False, True)  # (c1,r1) +, (c1,r2) −, (c2,r1) −, (c2,r2) +
    d = (0.25, 0.25, 0.25, 0.25)  # ½·μ(c)·p(r|c) on V, ½·μ(c)/|E_c| on E, |E_c| = 1
    qs = np.linspace(0.0, 1.0, grid)
    ts = np.linspace(0.0, 1.0, grid)
    seen: dict[tuple[bool, bool, bool, bool], float] = {}
    gen_errors = set()
    for q in qs:
        cond = (float(q), float(1.0 - q))  # the shared p̂(r | "out of")
        gen_errors.add(float(0.5 * cond[1] + 0.5 * cond[0]))
        for t in ts:
            lab = tuple(bool(cond[j] > t) for _c in range(2) for j in range(2))
            if lab not in seen:
                seen[lab] = float(sum(dm for dm, g, y in zip(d, lab, f) if g != y))
    labelings = tuple(sorted(seen))
    errors = tuple(seen[lab] for lab in labelings)
    return TrigramBruteForce(
        pairs=pairs,
        labelings=labelings,
        errors=errors,
        opt=min(errors),
        n_models=grid,
        n_thresholds=grid,
        generation_errors=tuple(sorted(gen_errors)),
    )


def corollary2_error_floor() -> float:
    """Corollary 2 (§3.3.2): any trigram model errs at rate >= 2(1 − 1/2)·opt(G) = 1/2 (C = 2)."""
    return theorem3_bound(2, trigram_opt_by_brute_force().opt)


# ----------------------------------------------------------------------------------------------
# 6. Binary grading rewards guessing: Observation 1 (§4.1, Appendix E) and Models A/B (§1.2)
# ----------------------------------------------------------------------------------------------

IDK_SCORE_BINARY = 0.0
"""What an abstention earns under a binary grader (§4.1: g_c(r) = 0 for r ∈ A_c)."""


def expected_score_guess_binary(n_choices: int) -> float:
    """Expected binary-graded score of a uniform guess among C choices: 1/C > 0 = IDK (Obs. 1)."""
    if n_choices < 1:
        raise ValueError("need at least one choice")
    return 1.0 / n_choices


def expected_score(p_correct: float, penalty: float, abstain: bool = False) -> float:
    """Expected score: +1 if right, −penalty if wrong, 0 for IDK (§4.1 binary: penalty 0; §4.2)."""
    if abstain:
        return 0.0
    p_correct = _check_probability(p_correct, "p_correct")
    return p_correct - (1.0 - p_correct) * penalty


@dataclass(frozen=True)
class ModelComparison:
    """Models A and B of §1.2 on one test, under 0-1 grading (each answer right = 1, else 0)."""

    share_uncertain: float
    guess_accuracy: float
    accuracy_when_certain: float
    score_a: float
    score_b: float
    error_rate_a: float
    error_rate_b: float
    abstention_rate_a: float
    abstention_rate_b: float

    @property
    def b_beats_a(self) -> bool:
        return self.score_b > self.score_a


def model_a_vs_b(
    share_uncertain: float = 0.3,
    guess_accuracy: float = 0.25,
    accuracy_when_certain: float = 1.0,
) -> ModelComparison:
    """§1.2: A signals uncertainty and never hallucinates; B is A but guesses when unsure.

    On a share ``share_uncertain`` of questions the models are unsure; A says IDK (score 0), B
    guesses and is right with probability ``guess_accuracy`` (e.g. 1/4 on four-way multiple
    choice). Elsewhere both answer, right with probability ``accuracy_when_certain`` (1 keeps A
    hallucination-free). Under 0-1 scoring B's score exceeds A's by share_uncertain·guess_accuracy,
    positive whenever guessing can succeed (Observation 1).
    """
    u = _check_probability(share_uncertain, "share_uncertain")
    g = _check_probability(guess_accuracy, "guess_accuracy")
    a = _check_probability(accuracy_when_certain, "accuracy_when_certain")
    certain = (1.0 - u) * a
    return ModelComparison(
        share_uncertain=u,
        guess_accuracy=g,
        accuracy_when_certain=a,
        score_a=certain,
        score_b=certain + u * g,
        error_rate_a=(1.0 - u) * (1.0 - a),
        error_rate_b=(1.0 - u) * (1.0 - a) + u * (1.0 - g),
        abstention_rate_a=u,
        abstention_rate_b=0.0,
    )


# ----------------------------------------------------------------------------------------------
# 7. Explicit confidence targets (§4.2)
# ----------------------------------------------------------------------------------------------


def confidence_penalty(t: float) -> float:
    """Points lost for a wrong answer at confidence target t: t/(1 − t) (§4.2).

    0 at t = 0 (binary grading), 1 at t = 0.5, 3 at t = 0.75 (the paper prints "penalty 2",
    a slip: 2 corresponds to t = 2/3), 9 at t = 0.9.
    """
    t = _check_target(t)
    return t / (1.0 - t)


def expected_score_of_answering(p: float, t: float) -> float:
    """Expected score of answering with confidence p at target t: (p − t)/(1 − t) (§4.2).

    Equals p·1 − (1 − p)·t/(1 − t); written as (p − t)/(1 − t) so its sign is exactly that of
    p − t (IDK scores 0, so answering pays iff p > t, the paper's "simple calculation").
    """
    t = _check_target(t)
    p = _check_probability(p)
    return (p - t) / (1.0 - t)


def break_even_confidence(t: float) -> float:
    """The confidence at which answering and IDK tie under target t: t itself (§4.2)."""
    return _check_target(t)


def confidence_target_for_penalty(penalty: float) -> float:
    """Inverse of t/(1 − t): the target whose penalty is ``penalty``, π/(1 + π) (§4.2)."""
    if penalty < 0:
        raise ValueError("penalty must be >= 0")
    return penalty / (1.0 + penalty)


# ----------------------------------------------------------------------------------------------
# 8. SimpleQA re-scored (OpenAI companion blog post, Sept 2025, citing the GPT-5 system card)
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SimpleQAResult:
    """One column of the blog post's SimpleQA table, in whole percentage points as published."""

    model: str
    abstention_pct: int
    accuracy_pct: int
    error_pct: int

    @property
    def answered_pct(self) -> int:
        return self.accuracy_pct + self.error_pct

    @property
    def accuracy_among_answered(self) -> float:
        return self.accuracy_pct / self.answered_pct


# Cited, not computed: OpenAI, "Why language models hallucinate" (blog post, Sept 2025), table
# "the SimpleQA eval as an example from the GPT5 System Card". Not in the paper itself.
SIMPLEQA_GPT5_THINKING_MINI = SimpleQAResult("gpt-5-thinking-mini", 52, 22, 26)
SIMPLEQA_O4_MINI = SimpleQAResult("OpenAI o4-mini", 1, 24, 75)
SIMPLEQA = (SIMPLEQA_GPT5_THINKING_MINI, SIMPLEQA_O4_MINI)


def rescored(accuracy: float, error: float, t: float) -> float:
    """A model's score under confidence target t: accuracy − t/(1 − t)·error (§4.2 rule).

    Abstentions score 0 so do not appear; units are those of the inputs (fractions or points).
    """
    return accuracy - confidence_penalty(t) * error


def ranking_flip_penalty_fraction(model_a: SimpleQAResult, model_b: SimpleQAResult) -> Fraction:
    """The penalty π at which two models' re-scored values tie, exactly: Δaccuracy/Δerror."""
    d_acc = model_b.accuracy_pct - model_a.accuracy_pct
    d_err = model_b.error_pct - model_a.error_pct
    if d_err == 0:
        raise ValueError("equal error rates: the ranking never flips")
    penalty = Fraction(d_acc, d_err)
    if penalty < 0:
        raise ValueError("one model has both higher accuracy and lower error: no flip")
    return penalty


def ranking_flip_threshold_fraction(model_a: SimpleQAResult, model_b: SimpleQAResult) -> Fraction:
    """The confidence target t at which the ranking flips, exactly: π/(1 + π) = 2/51 for SimpleQA."""
    penalty = ranking_flip_penalty_fraction(model_a, model_b)
    return penalty / (1 + penalty)


def ranking_flip_threshold(model_a: SimpleQAResult, model_b: SimpleQAResult) -> float:
    """The confidence target t above which the lower-error model ranks first (≈ 0.039 = 2/51).

    Solves acc_a − π·err_a = acc_b − π·err_b for π = t/(1 − t); with integer percentages the
    answer is an exact fraction (see :func:`ranking_flip_threshold_fraction`).
    """
    return float(ranking_flip_threshold_fraction(model_a, model_b))


def simpleqa_result(model: str) -> SimpleQAResult:
    """One model's column of the blog post's SimpleQA table, by its printed name (cited)."""
    for r in SIMPLEQA:
        if r.model == model:
            return r
    raise ValueError(f"model must be one of {[r.model for r in SIMPLEQA]}, got {model!r}")


def simpleqa_rescored(model: str, t: float) -> float:
    """The blog post's SimpleQA numbers re-scored at confidence target t, in percentage points."""
    r = simpleqa_result(model)
    return rescored(r.accuracy_pct, r.error_pct, t)


def simpleqa_flip_threshold() -> float:
    """The target above which gpt-5-thinking-mini outscores o4-mini on SimpleQA: 2/51 ≈ 0.039."""
    return ranking_flip_threshold(SIMPLEQA_GPT5_THINKING_MINI, SIMPLEQA_O4_MINI)


# ----------------------------------------------------------------------------------------------
# 9. Table 2 (§4.1, p. 14): how ten benchmarks treat abstentions
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Benchmark:
    """One row of Table 2. ``lm_graded`` is the ∗ footnote; ``binary_note``/``idk_note`` are the
    superscripts a (on IFEval's "Yes") and b (on WildBench's "Partial")."""

    name: str
    scoring_method: str
    binary_grading: bool
    idk_credit: str
    lm_graded: bool = False
    binary_note: str | None = None
    idk_note: str | None = None


TABLE2_FOOTNOTES = {
    "*": "Grading is performed using language models, hence incorrect bluffs may occasionally "
    "be scored as correct.",
    "a": "IFEval aggregates several binary rubric sub-scores into a composite score.",
    "b": "Grading rubric (1-10 scale) suggests that IDK may score lower than \u201cfair\u201d "
    "responses with hallucination, reinforcing hallucination.",
}
"""Table 2's footnotes, verbatim (the ∗ marks scoring methods graded by language models)."""

TABLE2 = (
    Benchmark("GPQA", "Multiple-choice accuracy", True, "None"),
    Benchmark("MMLU-Pro", "Multiple-choice accuracy", True, "None"),
    Benchmark("IFEval", "Programmatic instruction verification", True, "None", binary_note="a"),
    Benchmark("Omni-MATH", "Equivalence grading", True, "None", lm_graded=True),
    Benchmark("WildBench", "LM-graded rubric", False, "Partial", lm_graded=True, idk_note="b"),
    Benchmark("BBH", "Multiple-choice / exact-match", True, "None"),
    Benchmark("MATH (L5 split)", "Equivalence grading", True, "None", lm_graded=True),
    Benchmark("MuSR", "Multiple-choice accuracy", True, "None"),
    Benchmark("SWE-bench", "Patch passes unit tests", True, "None"),
    Benchmark("HLE", "Multiple-choice / equivalence grading", True, "None", lm_graded=True),
)
"""Table 2 (§4.1), rows in printed order; identical in the OpenAI PDF and arXiv v1."""


def count_binary_graded(table: Sequence[Benchmark] = TABLE2) -> int:
    """Benchmarks in Table 2 whose primary metric is binary: 9 of 10 (all but WildBench)."""
    return sum(1 for b in table if b.binary_grading)


def count_no_idk_credit(table: Sequence[Benchmark] = TABLE2) -> int:
    """Benchmarks in Table 2 giving no credit to IDK: 9 of 10 (WildBench's is "Partial")."""
    return sum(1 for b in table if b.idk_credit == "None")


def table2() -> tuple[Benchmark, ...]:
    """Table 2's rows (cited), so that a scene showing them records where they came from."""
    return TABLE2
