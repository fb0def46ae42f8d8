"""Tests for scenes/why-llms-hallucinate/formulas.py: the paper's printed values and its theorems.

Kalai, Nachum, Vempala & Zhang, "Why Language Models Hallucinate" (arXiv:2509.04664). Values
pinned here are the ones the video shows; property tests check the inequalities on many random
finite models, so a wrong definition (of D, f̂, A or δ) shows up as a counter-example.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from explainer_anim.content import load_content_module

F = load_content_module(
    Path(__file__).resolve().parents[1] / "scenes" / "why-llms-hallucinate", "formulas"
)

# The theorems are exact; this only absorbs float rounding in sums of a few dozen terms.
EPS = 1e-9
PROPERTY = settings(max_examples=200, deadline=None)


# ----------------------------------------------------------------------------------------------
# Strategies
# ----------------------------------------------------------------------------------------------

# Integer weights make exact ties with the threshold 1/|E| likely (e.g. p̂(x) = 2/12 with |E| = 6),
# which is where a ">" vs ">=" slip would break the bound; float weights cover the rest.
_int_weights = st.integers(min_value=0, max_value=6).map(float)
_float_weights = st.floats(min_value=0.0, max_value=1.0, allow_nan=False, allow_infinity=False)


def _normalized(weights: list[float]) -> list[float]:
    total = math.fsum(weights)
    return [w / total for w in weights]


@st.composite
def weight_vectors(draw, size: int, positive: bool = False) -> list[float]:
    """A probability vector of ``size`` entries (strictly positive entries if ``positive``)."""
    elem = st.one_of(_int_weights, _float_weights)
    if positive:
        elem = st.one_of(st.integers(1, 6).map(float), st.floats(0.01, 1.0))
    weights = draw(st.lists(elem, min_size=size, max_size=size))
    assume(math.fsum(weights) > 0)
    return _normalized(weights)


@st.composite
def finite_models(draw, positive_model: bool = False):
    """(p, p_hat, is_valid) with p(E) = 0, V and E non-empty and shuffled positions."""
    n_valid = draw(st.integers(1, 5))
    n_errors = draw(st.integers(1, 8))
    p_valid = draw(weight_vectors(n_valid))
    p_hat = draw(weight_vectors(n_valid + n_errors, positive=positive_model))
    order = draw(st.permutations(range(n_valid + n_errors)))
    is_valid = [i < n_valid for i in order]
    p = [p_valid[i] if i < n_valid else 0.0 for i in order]
    return p, p_hat, is_valid


@st.composite
def prompted_models(draw, pure_multiple_choice: bool = False, positive_model: bool = False):
    """(mu, p_cond, p_hat_cond, valid_mask) with ragged per-prompt response sets."""
    n_prompts = draw(st.integers(1, 4))
    mu = draw(weight_vectors(n_prompts))
    p_cond, p_hat_cond, valid_mask = [], [], []
    for _ in range(n_prompts):
        n_valid = 1 if pure_multiple_choice else draw(st.integers(1, 3))
        n_errors = draw(st.integers(1, 5))
        p_valid = draw(weight_vectors(n_valid))
        p_hat_cond.append(draw(weight_vectors(n_valid + n_errors, positive=positive_model)))
        order = draw(st.permutations(range(n_valid + n_errors)))
        valid_mask.append([i < n_valid for i in order])
        p_cond.append([p_valid[i] if i < n_valid else 0.0 for i in order])
    return mu, p_cond, p_hat_cond, valid_mask


# ----------------------------------------------------------------------------------------------
# 1. Birthdays
# ----------------------------------------------------------------------------------------------


def test_birthday_numbers():
    assert F.blind_guess_chance() == pytest.approx(1 / 365)
    assert F.birthday_error_count() == 364
    assert F.BIRTHDAY_VALID_COUNT == 2
    assert F.birthday_valid_to_error_ratio() == pytest.approx(2 / 364)
    assert F.birthday_valid_to_error_ratio() == pytest.approx(0.0054945, abs=1e-7)


# ----------------------------------------------------------------------------------------------
# 2. Corollary 1 and Theorem 1
# ----------------------------------------------------------------------------------------------


def test_bound_formulas():
    assert F.corollary1_bound(0.4, 2, 6, 0.05) == pytest.approx(0.8 - 1 / 3 - 0.05)
    assert F.theorem1_bound(0.4, 2, 364, 0.0) == pytest.approx(0.8 - 2 / 364)
    with pytest.raises(ValueError):
        F.corollary1_bound(0.4, 0, 6, 0.0)


def test_small_iiv_example_numbers():
    m = F.small_iiv_example()
    assert len(m.labels) == 8 and m.n_valid == 2 and m.n_errors == 6
    assert m.threshold == pytest.approx(1 / 6)
    # Two decimals everywhere, as shown on screen.
    assert all(round(v, 2) == pytest.approx(v) for v in m.p + m.p_hat)
    assert m.err == pytest.approx(0.70)
    assert m.err_iiv == pytest.approx(49 / 120)
    assert m.p_hat_A == pytest.approx(0.40) and m.p_A == pytest.approx(0.35)
    assert m.delta == pytest.approx(0.05)
    assert m.bound == pytest.approx(13 / 30)
    # Positive, non-trivial, and visibly below err.
    assert 0.3 < m.bound < m.err - 0.2
    positives = {lab for lab, pos in zip(m.labels, m.f_hat_positive) if pos}
    assert positives == {"Sat", "IDK"}
    assert m.in_A == m.f_hat_positive
    assert sum(m.D) == pytest.approx(1.0)


def test_uniform_model_is_calibrated():
    # §3.1: the uniform p̂ = 1/|X| has δ = 0 without knowing anything.
    is_valid = [True, True, False, False, False]
    m = F.finite_iiv_model([0.5, 0.5, 0, 0, 0], [0.2] * 5, is_valid)
    assert m.delta == 0.0
    assert m.err == pytest.approx(0.6)


def test_finite_model_rejects_noisy_training_data():
    with pytest.raises(ValueError):
        F.finite_iiv_model([0.5, 0.5], [0.5, 0.5], [True, False])
    with pytest.raises(ValueError):
        F.finite_iiv_model([0.5, 0.5], [0.5, 0.5], [True, True])


@PROPERTY
@given(finite_models())
def test_corollary1_holds_on_random_finite_models(model):
    p, p_hat, is_valid = model
    m = F.finite_iiv_model(p, p_hat, is_valid)
    assert m.err >= m.bound - EPS
    assert m.err >= 2 * m.err_iiv - m.n_valid / m.n_errors - m.delta - EPS
    assert sum(m.D) == pytest.approx(1.0)
    # "Corollary 1 also implies that err_iiv ≲ 1/2": err <= 1 forces it.
    assert m.err_iiv <= (1 + m.n_valid / m.n_errors + m.delta) / 2 + EPS


@PROPERTY
@given(prompted_models())
def test_theorem1_holds_on_random_prompted_models(model):
    mu, p_cond, p_hat_cond, valid_mask = model
    m = F.finite_iiv_model_prompted(mu, p_cond, p_hat_cond, valid_mask)
    assert m.err >= m.bound - EPS
    assert m.err >= 2 * m.err_iiv - m.max_valid / m.min_errors - m.delta - EPS
    assert sum(map(sum, m.D)) == pytest.approx(1.0)


@PROPERTY
@given(finite_models())
def test_single_prompt_theorem1_is_corollary1(model):
    p, p_hat, is_valid = model
    a = F.finite_iiv_model(p, p_hat, is_valid)
    b = F.finite_iiv_model_prompted([1.0], [p], [p_hat], [is_valid])
    for name in ("err", "err_iiv", "delta", "bound"):
        assert getattr(a, name) == pytest.approx(getattr(b, name), abs=1e-12)


# ----------------------------------------------------------------------------------------------
# 3. Calibration
# ----------------------------------------------------------------------------------------------


def test_gpt4_ece_constants():
    assert F.GPT4_ECE_PRETRAIN == 0.007
    assert F.GPT4_ECE_PPO == 0.074
    assert F.GPT4_ECE_PPO > 10 * F.GPT4_ECE_PRETRAIN


def test_small_example_delta_is_the_loss_slope():
    m = F.small_iiv_example()
    closed = F.calibration_delta_closed_form(m.p, m.p_hat, m.threshold)
    assert closed == pytest.approx(m.delta)
    assert F.calibration_delta_numeric(m.p, m.p_hat, m.threshold) == pytest.approx(closed, abs=1e-7)
    # p̂(A) > p(A): the loss falls by shrinking the above-threshold mass.
    assert F.calibration_loss_slope(m.p, m.p_hat, m.threshold) > 0
    loss = F.cross_entropy(m.p, m.p_hat)
    assert F.cross_entropy(m.p, F.rescaled_model(m.p_hat, 0.9, m.threshold)) < loss


def test_rescaled_model_is_a_distribution():
    q = F.rescaled_model([0.1, 0.3, 0.6], 2.0, 0.2)
    assert q.sum() == pytest.approx(1.0)
    assert q == pytest.approx(np.array([0.1, 0.6, 1.2]) / 1.9)
    assert F.cross_entropy([1.0, 0.0], [0.0, 1.0]) == math.inf


@PROPERTY
@given(finite_models(positive_model=True))
def test_delta_closed_form_equals_numeric_derivative(model):
    p, p_hat, is_valid = model
    m = F.finite_iiv_model(p, p_hat, is_valid)
    closed = F.calibration_delta_closed_form(p, p_hat, m.threshold)
    numeric = F.calibration_delta_numeric(p, p_hat, m.threshold)
    assert closed == pytest.approx(m.delta, abs=1e-12)
    assert numeric == pytest.approx(closed, abs=1e-6)


@PROPERTY
@given(prompted_models(positive_model=True))
def test_prompted_delta_closed_form_equals_numeric_derivative(model):
    mu, p_cond, p_hat_cond, valid_mask = model
    m = F.finite_iiv_model_prompted(mu, p_cond, p_hat_cond, valid_mask)
    closed = F.calibration_delta_prompted_closed_form(mu, p_cond, p_hat_cond, m.threshold)
    numeric = F.calibration_delta_prompted_numeric(mu, p_cond, p_hat_cond, m.threshold)
    assert closed == pytest.approx(m.delta, abs=1e-12)
    assert numeric == pytest.approx(closed, abs=1e-6)


# ----------------------------------------------------------------------------------------------
# 4. Singleton rate and Theorem 2
# ----------------------------------------------------------------------------------------------


def test_singleton_rate_definition_2():
    samples = [
        ("einstein", "14-03"),
        ("einstein", "14-03"),
        ("kalai", "IDK"),
        ("kalai", "xx-xx"),  # one answered occurrence (the IDK does not count): a singleton
        ("zdan", "IDK"),  # never answered: not a singleton
        ("mia", "04-01"),
    ]
    # S = {kalai, mia}, N counts all six samples, IDKs included.
    assert F.singleton_rate(samples) == pytest.approx(2 / 6)
    assert F.good_turing_missing_mass(samples) == pytest.approx(2 / 6)
    # Lemma 1's collapsed-IDK Good–Turing: two IDKs collapse to a repeated symbol.
    assert F.good_turing_collapsed_idk(samples) == pytest.approx(2 / 6)
    one_idk = samples[:-2] + [("mia", "04-01")]
    assert F.good_turing_collapsed_idk(one_idk) - F.singleton_rate(one_idk) == pytest.approx(1 / 5)


@PROPERTY
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.sampled_from(["a", "b", "IDK"])), min_size=1, max_size=40
    )
)
def test_good_turing_relations(samples):
    sr = F.singleton_rate(samples)
    assert F.good_turing_missing_mass(samples) == sr
    # One answer per prompt (as in Arbitrary Facts) makes Lemma 1's GT − sr ∈ {0, 1/N}.
    answer = {}
    samples = [(c, r if r == "IDK" else answer.setdefault(c, r)) for c, r in samples]
    diff = F.good_turing_collapsed_idk(samples) - F.singleton_rate(samples)
    assert min(abs(diff), abs(diff - 1 / len(samples))) < 1e-12


def test_theorem2_constants():
    assert F.theorem2_slack(1e6) == pytest.approx(0.1179, abs=5e-5)
    assert F.theorem2_lower_constant(0.01) == pytest.approx(34.22, abs=5e-3)
    assert F.theorem2_lower_constant(0.01) <= 35
    assert F.theorem2_upper_constant(0.01) == pytest.approx(12.46, abs=5e-3)
    assert F.theorem2_upper_constant(0.01) <= 13
    # The rounded constants only loosen the γ = 0.01 bounds.
    for n in (1e3, 1e6, 1e9):
        assert F.theorem2_lower_bound(0.3, 364, n, 0) <= F.theorem2_lower_bound_general(
            0.3, 364, n, 0, 0.01
        )
        assert F.theorem2_upper_bound(0.3, 364, n) >= F.theorem2_upper_bound_general(
            0.3, 364, n, 0.01
        )


def test_theorem2_bound_formulas():
    n = 1e6
    assert F.theorem2_lower_bound(0.2, 364, n, 0.01) == pytest.approx(
        0.2 - 2 / 364 - (35 + 6 * math.log(n)) / 1000 - 0.01
    )
    assert F.theorem2_upper_bound(0.2, 364, n) == pytest.approx(0.2 - 0.2 / 365 + 0.013)


@pytest.fixture(scope="module")
def simulation():
    return F.simulate_arbitrary_facts()  # N = 10^6, 3·10^6 Zipf(1) prompts, |R_c| = 365, α = 0.9


def test_theorem2_simulation_err_between_bounds(simulation):
    s = simulation
    assert (s.n_samples, s.n_prompts, s.n_responses, s.alpha, s.zipf_exponent, s.seed) == (
        10**6,
        3 * 10**6,
        365,
        0.9,
        1.0,
        0,
    )
    assert s.delta == 0.0  # the memorize-then-guess algorithm is calibrated
    assert s.within_bounds
    # Both bounds informative: the lower one is clearly positive, the upper one below sr.
    assert 0.05 < s.lower_bound < s.err < s.upper_bound < s.sr + 0.02
    assert s.sr == pytest.approx(0.196, abs=0.005)  # ≈ §1.1's hypothetical 20%
    assert s.err == pytest.approx(s.missing_mass * 364 / 365)
    # Lemma 1: the singleton rate estimates the missing mass.
    assert abs(s.missing_mass - s.sr) <= 4.42 * math.sqrt(math.log(500) / s.n_samples)


def test_theorem2_simulation_bookkeeping(simulation):
    s = simulation
    hist = dict(s.count_histogram)
    assert sum(hist.values()) == s.n_prompts
    assert sum(k * m for k, m in hist.items()) == int((s.responses != F.IDK_CODE).sum())
    assert hist[1] == s.n_singletons and s.sr == s.n_singletons / s.n_samples
    answered = s.responses != F.IDK_CODE
    assert np.array_equal(s.responses[answered], s.correct_answers[s.prompts[answered]])
    assert s.mu.sum() == pytest.approx(1.0) and np.all(np.diff(s.mu) <= 0)


def test_small_simulation_matches_definition_2_and_is_deterministic():
    a = F.simulate_arbitrary_facts(2000, 5000, 365, 0.7, 1.0, seed=7)
    b = F.simulate_arbitrary_facts(2000, 5000, 365, 0.7, 1.0, seed=7)
    assert a.sr == b.sr and a.err == b.err and np.array_equal(a.prompts, b.prompts)
    pairs = a.pairs()
    assert F.singleton_rate(pairs) == pytest.approx(a.sr)
    assert F.good_turing_missing_mass(pairs) == pytest.approx(a.sr)
    # At N = 2000 the slack (35 + 6 ln N)/√N ≈ 1.6 makes the lower bound vacuous (negative),
    # while the upper bound still holds: Theorem 2 only bites for N in the millions.
    assert a.lower_bound < 0 <= a.err <= a.upper_bound


def test_theorem2_bounds_over_n_curve():
    c = F.theorem2_bounds_over_n()
    assert c.n[0] == pytest.approx(1e3) and c.n[-1] == pytest.approx(1e12)
    assert len(c.n) == 46
    assert all(a > b for a, b in zip(c.slack, c.slack[1:]))
    assert all(lo < up for lo, up in zip(c.lower, c.upper))
    assert c.lower[0] < 0 < c.lower[-1]
    # Both bounds close in on sr (up to the 2/|E| and sr/(|E|+1) terms) as N grows.
    assert c.lower[-1] == pytest.approx(0.2 - 2 / 364, abs=1e-3)
    assert c.upper[-1] == pytest.approx(0.2 * 364 / 365, abs=1e-4)
    n_star = F.theorem2_min_n_informative(0.2, 364)
    assert F.theorem2_lower_bound(0.2, 364, n_star, 0) == pytest.approx(0, abs=1e-9)
    assert 1e5 < n_star < 1e6


# ----------------------------------------------------------------------------------------------
# 5. Theorem 3, Theorem 4, Corollary 2
# ----------------------------------------------------------------------------------------------


def test_multiple_choice_factor():
    assert F.multiple_choice_factor(4) == 1.5
    assert F.multiple_choice_factor(2) == 1.0
    assert F.theorem3_bound(4, 0.2) == pytest.approx(0.3)


def test_trigram_brute_force():
    r = F.trigram_opt_by_brute_force()
    assert r.opt == 0.5
    # A trigram classifier labels (c1, r) and (c2, r) alike: exactly 2^2 realisable labelings,
    # and every one of them misclassifies half of D.
    assert len(r.labelings) == 4
    assert all(lab[:2] == lab[2:] for lab in r.labelings)
    assert r.errors == (0.5, 0.5, 0.5, 0.5)
    assert r.generation_errors == (0.5,)
    assert F.corollary2_error_floor() == 0.5


@PROPERTY
@given(prompted_models(pure_multiple_choice=True))
def test_theorem4_on_random_multiple_choice_models(model):
    mu, p_cond, p_hat_cond, valid_mask = model
    m = F.finite_iiv_model_prompted(mu, p_cond, p_hat_cond, valid_mask)
    n_choices = m.min_errors + 1
    expected = F.theorem4_expected_err_iiv(mu, p_cond, p_hat_cond, valid_mask)
    assert m.err >= F.multiple_choice_factor(n_choices) * expected - EPS


# ----------------------------------------------------------------------------------------------
# 6. Observation 1 and Models A/B
# ----------------------------------------------------------------------------------------------


def test_binary_grading_rewards_guessing():
    assert F.expected_score_guess_binary(4) == 0.25 > F.IDK_SCORE_BINARY
    assert F.expected_score(0.25, 0.0) == 0.25
    assert F.expected_score(0.25, 1.0, abstain=True) == 0.0
    assert F.expected_score(0.6, 1.0) == pytest.approx(0.2)


def test_model_a_vs_b():
    r = F.model_a_vs_b(share_uncertain=0.3, guess_accuracy=0.25)
    assert r.score_a == pytest.approx(0.70)
    assert r.score_b == pytest.approx(0.775)
    assert r.b_beats_a
    assert r.error_rate_a == 0.0 and r.error_rate_b == pytest.approx(0.225)
    assert r.abstention_rate_a == 0.3 and r.abstention_rate_b == 0.0


@PROPERTY
@given(
    st.integers(2, 6).flatmap(
        lambda n: st.lists(
            st.tuples(st.floats(0.01, 1.0), st.integers(0, n - 1)), min_size=1, max_size=6
        ).map(lambda g: (n, g))
    )
)
def test_observation1_abstaining_is_never_optimal(problem):
    # ρ_c is a mixture of binary graders, each rewarding one non-abstention response; the
    # abstention scores 0 under every one, the best answer strictly more.
    n_answers, graders = problem
    weights = _normalized([w for w, _ in graders])
    expected = [0.0] * n_answers
    for w, (_, right) in zip(weights, graders):
        expected[right] += w
    assert max(expected) > F.IDK_SCORE_BINARY


# ----------------------------------------------------------------------------------------------
# 7. Confidence targets
# ----------------------------------------------------------------------------------------------


def test_confidence_penalties():
    assert F.confidence_penalty(0.0) == 0.0
    assert F.confidence_penalty(0.5) == pytest.approx(1.0)
    assert F.confidence_penalty(0.75) == pytest.approx(3.0)  # printed as "penalty 2"
    assert F.confidence_penalty(0.9) == pytest.approx(9.0)
    assert F.confidence_target_for_penalty(2.0) == pytest.approx(2 / 3)
    assert F.break_even_confidence(0.75) == 0.75
    for bad in (-0.1, 1.0, 1.5):
        for fn in (F.confidence_penalty, F.break_even_confidence):
            with pytest.raises(ValueError):
                fn(bad)
        with pytest.raises(ValueError):
            F.expected_score_of_answering(0.5, bad)


@PROPERTY
@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0, exclude_max=True))
def test_answering_pays_iff_confidence_exceeds_target(p, t):
    score = F.expected_score_of_answering(p, t)
    assert (score > 0) == (p > t)
    assert score == pytest.approx(F.expected_score(p, F.confidence_penalty(t)), rel=1e-9, abs=1e-9)


# ----------------------------------------------------------------------------------------------
# 8. SimpleQA
# ----------------------------------------------------------------------------------------------


def test_simpleqa_table():
    g, o = F.SIMPLEQA_GPT5_THINKING_MINI, F.SIMPLEQA_O4_MINI
    assert (g.abstention_pct, g.accuracy_pct, g.error_pct) == (52, 22, 26)
    assert (o.abstention_pct, o.accuracy_pct, o.error_pct) == (1, 24, 75)
    for m in F.SIMPLEQA:
        assert m.abstention_pct + m.accuracy_pct + m.error_pct == 100
    assert (g.answered_pct, o.answered_pct) == (48, 99)
    assert g.accuracy_among_answered == pytest.approx(0.458, abs=5e-4)
    assert o.accuracy_among_answered == pytest.approx(0.242, abs=5e-4)


@pytest.mark.parametrize(
    ("t", "gpt5", "o4"),
    [(0.0, 22, 24), (0.5, -4, -51), (0.75, -56, -201), (0.9, -212, -651)],
)
def test_simpleqa_rescored(t, gpt5, o4):
    g, o = F.SIMPLEQA_GPT5_THINKING_MINI, F.SIMPLEQA_O4_MINI
    assert F.rescored(g.accuracy_pct, g.error_pct, t) == pytest.approx(gpt5)
    assert F.rescored(o.accuracy_pct, o.error_pct, t) == pytest.approx(o4)
    assert F.rescored(g.accuracy_pct / 100, g.error_pct / 100, t) == pytest.approx(gpt5 / 100)


def test_simpleqa_ranking_flip():
    g, o = F.SIMPLEQA_GPT5_THINKING_MINI, F.SIMPLEQA_O4_MINI
    assert F.ranking_flip_penalty_fraction(g, o) == Fraction(2, 49)
    assert F.ranking_flip_threshold_fraction(g, o) == Fraction(2, 51)
    t_star = F.ranking_flip_threshold(g, o)
    assert t_star == pytest.approx(0.039, abs=5e-4)
    assert F.ranking_flip_threshold(o, g) == t_star
    at = lambda m, t: F.rescored(m.accuracy_pct, m.error_pct, t)  # noqa: E731
    assert at(g, t_star) == pytest.approx(at(o, t_star))
    assert at(g, t_star - 0.01) < at(o, t_star - 0.01)
    assert at(g, t_star + 0.01) > at(o, t_star + 0.01)
    with pytest.raises(ValueError):
        F.ranking_flip_threshold(g, F.SimpleQAResult("better", 50, 30, 20))


# ----------------------------------------------------------------------------------------------
# 9. Table 2
# ----------------------------------------------------------------------------------------------


def test_table2():
    names = [b.name for b in F.TABLE2]
    assert names == [
        "GPQA",
        "MMLU-Pro",
        "IFEval",
        "Omni-MATH",
        "WildBench",
        "BBH",
        "MATH (L5 split)",
        "MuSR",
        "SWE-bench",
        "HLE",
    ]
    assert F.count_binary_graded() == 9
    assert F.count_no_idk_credit() == 9
    (wild,) = [b for b in F.TABLE2 if not b.binary_grading]
    assert wild.name == "WildBench" and wild.idk_credit == "Partial" and wild.idk_note == "b"
    assert {b.name for b in F.TABLE2 if b.lm_graded} == {
        "Omni-MATH",
        "WildBench",
        "MATH (L5 split)",
        "HLE",
    }
    assert [b.name for b in F.TABLE2 if b.binary_note] == ["IFEval"]
    assert set(F.TABLE2_FOOTNOTES) == {"*", "a", "b"}


# ----------------------------------------------------------------------------------------------
# 10. Table 1's titles and the letter count (§1, §3.3.2)
# ----------------------------------------------------------------------------------------------

TABLE1_EXCERPTS = (
    "Adam Tauman Kalai’s Ph.D. dissertation (completed in 2002 at CMU) is entitled: “Boosting, "
    "Online Algorithms, and Other Topics in Machine Learning.”",
    "“Algebraic Methods in Interactive Machine Learning”. . . at Harvard University in 2005.",
    "“Efficient Algorithms for Learning and Playing Games”. . . in 2007 at MIT.",
)
KALAI_2001 = "Probabilistic and on-line methods in machine learning."


def test_table1_titles_are_all_wrong():
    titles = [F.quoted_title(e) for e in TABLE1_EXCERPTS]
    assert titles == [
        "Boosting, Online Algorithms, and Other Topics in Machine Learning",
        "Algebraic Methods in Interactive Machine Learning",
        "Efficient Algorithms for Learning and Playing Games",
    ]
    assert not any(F.same_title(t, KALAI_2001) for t in titles)
    # Case, hyphenation and end punctuation do not make a title different.
    assert F.same_title("Probabilistic and Online Methods in Machine Learning", KALAI_2001)
    assert not F.same_title("Probabilistic methods in machine learning", KALAI_2001)
    with pytest.raises(ValueError):
        F.quoted_title("no title here")


def test_letter_count_from_tokens():
    c = F.count_letter_by_tokens(["D", "EEP", "SEE", "K"], "D")
    assert c.word == "DEEPSEEK" and c.count == 1 == "DEEPSEEK".count("D")
    assert c.per_token == (1, 0, 0, 0) and sum(c.per_token) == c.count
    assert (c.n_letters, c.n_tokens) == (8, 4)
    assert F.count_letter_by_tokens(["D", "EEP", "SEE", "K"], "E").count == 4
    for bad in (dict(tokens=["D"], letter="DD"), dict(tokens=[], letter="D"), dict(tokens=["D", ""], letter="D")):
        with pytest.raises(ValueError):
            F.count_letter_by_tokens(**bad)


# ----------------------------------------------------------------------------------------------
# 11. Figure 1: linear IIV classifiers on synthetic ± data
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("concept", F.FIGURE1_CONCEPTS)
def test_figure1_sample_is_a_seeded_half_and_half_mix(concept):
    pts, labels = F.figure1_sample(concept, 41, seed=3)
    assert pts.shape == (41, 2) and labels.sum() == 21
    assert np.all(np.abs(pts) <= 1.0)
    again, again_labels = F.figure1_sample(concept, 41, seed=3)
    assert np.array_equal(pts, again) and np.array_equal(labels, again_labels)
    assert not np.array_equal(pts, F.figure1_sample(concept, 41, seed=4)[0])


def test_figure1_sample_follows_its_concept():
    pts, labels = F.figure1_sample("spelling", 200, seed=0)
    side = pts @ np.array([1.0, 0.6]) / math.hypot(1.0, 0.6)
    assert np.all(side[labels] > 0.15) and np.all(side[~labels] < -0.15)
    pts, labels = F.figure1_sample("counting", 200, seed=0)
    inside = np.hypot(pts[:, 0] - 0.35, pts[:, 1] - 0.3) < 0.55
    assert np.array_equal(inside, labels)
    with pytest.raises(ValueError):
        F.figure1_sample("smell", 10)


def test_fit_linear_classifier_separates_separable_data():
    pts = np.array([[-0.8, -0.5], [-0.6, 0.1], [0.5, 0.4], [0.9, -0.2]])
    labels = np.array([False, False, True, True])
    w1, w2, b = F.fit_linear_classifier(pts, labels)
    assert F.misclassification_rate(pts, labels, w1, w2, b) == 0.0
    assert w1 > 0  # + lies to the right
    # The rate is a plain count of disagreements with "+ iff w·x + b > 0".
    assert F.misclassification_rate(pts, labels, 0.0, 0.0, 1.0) == 0.5
    assert F.misclassification_rate(pts, ~labels, w1, w2, b) == 1.0


def test_figure1_panels_tell_the_three_stories():
    errors = {c: [F.figure1_panel(c, seed=s).test_error for s in range(5)] for c in F.FIGURE1_CONCEPTS}
    assert max(errors["spelling"]) < 0.02  # good model: learnable and learned
    assert all(0.15 < e < 0.35 for e in errors["counting"])  # poor model: a line vs a disc
    assert all(abs(e - 0.5) < 0.05 for e in errors["birthdays"])  # no pattern: chance
    panel = F.figure1_panel("birthdays", n=40, n_test=500, seed=0)
    assert len(panel.points) == 40 == len(panel.labels) and panel.n_test == 500
    assert panel.train_error == F.misclassification_rate(np.array(panel.points), np.array(panel.labels),
                                                         panel.w1, panel.w2, panel.b)
    assert panel == F.figure1_panel("birthdays", n=40, n_test=500, seed=0)


# ----------------------------------------------------------------------------------------------
# 12. Calibration curves and cited ECE
# ----------------------------------------------------------------------------------------------


def test_loss_curve_of_the_small_example():
    m = F.small_iiv_example()
    c = F.calibration_curve(m.p, m.p_hat, m.threshold)
    assert c.s[0] == 0.5 and c.s[-1] == 1.5 and 1.0 in c.s
    assert c.loss[c.s.index(1.0)] == pytest.approx(c.loss_at_1)
    assert c.loss_at_1 == pytest.approx(-(0.65 * math.log(0.1) + 0.35 * math.log(0.2)))
    # δ = |dL/ds| at s = 1, and the closed-form minimizer beats every grid point.
    assert c.slope_at_1 == pytest.approx(0.05) and c.delta == pytest.approx(m.delta)
    assert c.delta == pytest.approx(F.calibration_delta_numeric(m.p, m.p_hat, m.threshold), abs=1e-6)
    assert c.best_s == pytest.approx(0.35 * 0.6 / (0.4 * 0.65))
    assert c.best_loss <= min(c.loss) + 1e-12
    assert c.best_loss < c.loss_at_1


def test_recalibrating_moves_the_minimum_to_one():
    m = F.small_iiv_example()
    q = F.recalibrated_model(m.p, m.p_hat, m.threshold)
    assert sum(q) == pytest.approx(1.0)
    c = F.calibration_curve(m.p, q, m.threshold)
    assert c.best_s == pytest.approx(1.0) and c.delta == pytest.approx(0.0, abs=1e-12)
    assert F.finite_iiv_model(m.p, q, m.is_valid).delta == pytest.approx(0.0, abs=1e-12)
    # One rescaling step lowers the loss to the minimum of the original curve.
    assert c.loss_at_1 == pytest.approx(F.calibration_curve(m.p, m.p_hat, m.threshold).best_loss)


@given(finite_models(positive_model=True), st.floats(0.3, 0.95))
@PROPERTY
def test_loss_minimizing_scale_is_a_minimum(model, h):
    p, p_hat, is_valid = model
    threshold = 1.0 / (len(p) - sum(is_valid))
    q = np.asarray(p_hat)
    p_a = float(np.asarray(p)[q > threshold].sum())
    q_a = float(q[q > threshold].sum())
    assume(0.01 < p_a < 0.99 and 0.01 < q_a < 0.99)
    best = F.loss_minimizing_scale(p, p_hat, threshold)
    at = lambda s: F.cross_entropy(p, F.rescaled_model(p_hat, s, threshold))  # noqa: E731
    assert at(best) <= at(best * h) + 1e-12 and at(best) <= at(best / h) + 1e-12
    # The loss shrinks over-weighted above-threshold mass (s < 1) and grows under-weighted mass.
    if abs(p_a - q_a) > 1e-9:
        assert (best < 1.0) == (q_a > p_a)
    else:
        assert best == pytest.approx(1.0)


def test_loss_minimizing_scale_needs_an_interior_A():
    with pytest.raises(ValueError):
        F.loss_minimizing_scale([1.0, 0.0], [0.9, 0.1], 0.5)  # p(A) = 1
    with pytest.raises(ValueError):
        F.calibration_curve([0.5, 0.5], [0.6, 0.4], 0.5, s_min=1.0)


def test_cited_gpt4_ece():
    assert F.cited_gpt4_ece("pre-train") == 0.007 == F.GPT4_ECE_PRETRAIN
    assert F.cited_gpt4_ece("ppo") == 0.074 == F.GPT4_ECE_PPO
    with pytest.raises(ValueError):
        F.cited_gpt4_ece("rlhf")


# ----------------------------------------------------------------------------------------------
# 13. The arbitrary-facts summary shown on screen
# ----------------------------------------------------------------------------------------------


def test_arbitrary_facts_summary_matches_the_simulation():
    kw = dict(n_samples=20_000, n_prompts=60_000, seed=5)
    sim = F.simulate_arbitrary_facts(**kw)
    s = F.arbitrary_facts_summary(**kw, max_count=4)
    hist = dict(sim.count_histogram)
    assert s.ks == (1, 2, 3, 4) and s.counts == tuple(hist.get(k, 0) for k in s.ks)
    assert s.counts[0] == s.n_singletons == sim.n_singletons
    assert s.unseen + sum(s.counts) + s.more == s.n_prompts
    assert (s.sr, s.err, s.missing_mass, s.lower_bound, s.upper_bound) == (
        sim.sr, sim.err, sim.missing_mass, sim.lower_bound, sim.upper_bound)
    assert s.sr == s.n_singletons / s.n_samples
    with pytest.raises(ValueError):
        F.arbitrary_facts_summary(**kw, max_count=0)


def test_default_summary_is_the_one_on_screen():
    s = F.arbitrary_facts_summary()
    assert s.n_samples == 1_000_000 and s.delta == 0.0
    assert s.sr == pytest.approx(0.196, abs=0.001)
    assert s.lower_bound < s.err < s.upper_bound
    assert s.counts == tuple(sorted(s.counts, reverse=True))  # singletons are the tallest bar


# ----------------------------------------------------------------------------------------------
# 14. SimpleQA and Table 2 by name
# ----------------------------------------------------------------------------------------------


def test_simpleqa_by_name():
    assert F.simpleqa_result("OpenAI o4-mini") is F.SIMPLEQA_O4_MINI
    table = {t: (F.simpleqa_rescored("gpt-5-thinking-mini", t), F.simpleqa_rescored("OpenAI o4-mini", t))
             for t in (0.0, 0.5, 0.75, 0.9)}
    assert table[0.0] == (22, 24)
    assert table[0.5] == (-4, -51)
    assert table[0.75] == (pytest.approx(-56), pytest.approx(-201))
    assert table[0.9] == (pytest.approx(-212), pytest.approx(-651))
    assert F.simpleqa_flip_threshold() == pytest.approx(2 / 51)
    with pytest.raises(ValueError):
        F.simpleqa_result("gpt-6")


def test_table2_function_returns_the_table():
    assert F.table2() is F.TABLE2
