"""The answer combinations each tier checks: all of them fast, every pair of them slow."""

import itertools

from harness.rendering import (
    AUTHS,
    COMPUTE_TYPES,
    RENDER_CASES,
    SLOW_VARIANTS,
    VARIANTS,
    allowed,
    pairwise,
)


def pairs_of(combinations) -> set:
    return {
        (i, combo[i], j, combo[j])
        for combo in combinations
        for i, j in itertools.combinations(range(len(combo)), 2)
    }


def test_fast_tier_renders_every_combination_a_user_can_choose() -> None:
    assert len(VARIANTS) == 8
    rendered = {(case.get("computeType"), case.get("auth")) for case in RENDER_CASES.values()}
    assert set(VARIANTS) <= rendered
    assert ("ServerlessLambdaFunctionUrl", "Cognito") not in rendered  # refused by a validator


def test_slow_tier_covers_every_pair_of_answers_with_allowed_combinations() -> None:
    assert all(allowed(*variant) for variant in SLOW_VARIANTS)
    assert pairs_of(SLOW_VARIANTS) == pairs_of(VARIANTS)


def test_pairwise_stays_small_as_questions_are_added() -> None:
    factors = (COMPUTE_TYPES, AUTHS, ("x86_64", "arm64"), ("3.12", "3.13"), ("ts", "py"))
    product = [combo for combo in itertools.product(*factors) if allowed(*combo[:2])]
    chosen = pairwise(factors, lambda compute, auth, *_: allowed(compute, auth))
    assert pairs_of(chosen) == pairs_of(product)
    assert len(chosen) <= 12 < len(product) == 64
    assert pairwise(factors, lambda *_: True) == pairwise(factors, lambda *_: True)
