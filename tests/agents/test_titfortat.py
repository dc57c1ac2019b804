"""Relative tit-for-tat (agents/strategies/titfortat.py) against a scripted counterpart.

B proposes in rounds 2, 4, 6, 8, 10 at its own utility levels 1.0, 0.9, 0.8, 0.85, 0.2. A reproduces
B's latest concession in proportion: in round 5 B's offer of round 4 is worth 0.9/1.0 of its round-2
offer to B, so A asks for 0.9 of its last level; in round 7, 0.8/0.9 of that; and so on, never above
``start`` nor below its floor (its reservation, 0.5). A opens at ``start`` and repeats its level
while B has made only one offer.
"""

from __future__ import annotations

import pytest

from bargaining_chips.agents.strategies.titfortat import TitForTat

B_LEVELS = [1.0, 0.9, 0.8, 0.85, 0.2]


def _own_levels(model, name="A"):
    return [row[f"u_{name}"] for row in model.rows if row["proposer"] == name]


def test_mirrors_the_others_concessions_in_proportion(seat, scripted):
    model = seat("bilateral", A=TitForTat(), B=scripted(levels=B_LEVELS))
    model.run()
    assert _own_levels(model, "B")[:4] == pytest.approx(B_LEVELS[:4])
    assert _own_levels(model) == pytest.approx([1.0, 1.0, 0.9, 0.8, 0.85])


def test_a_wider_window_compares_offers_further_apart(seat, scripted):
    """window = 2: in round 7, B's offer of round 6 against that of round 2 (0.8/1.0); in round 9,
    round 8 against round 4 (0.85/0.9)."""
    model = seat("bilateral", A=TitForTat(window=2), B=scripted(levels=B_LEVELS))
    model.run()
    assert _own_levels(model) == pytest.approx([1.0, 1.0, 1.0, 0.8, 0.8 * 0.85 / 0.9])


def test_never_asks_above_start_nor_below_the_floor(seat, scripted):
    model = seat("bilateral", A=TitForTat(start=0.9), B=scripted(levels=[0.6, 0.1, 0.05, 0.6]))
    model.run()
    levels = _own_levels(model)
    assert levels[0] == pytest.approx(0.9)
    assert max(levels) <= 0.9 + 1e-12
    assert min(levels) >= 0.5 - 1e-12
    # B hardening again (0.05 → 0.6) lifts A back, capped at start.
    assert levels[-1] == pytest.approx(0.9)


def test_answers_with_the_level_it_would_ask_for_next(seat, scripted):
    """B's third offer (round 6, worth 0.8 to B) would make A ask 0.9 · 0.8/0.9 = 0.8 next; the
    offer itself is worth 1.3 − 0.8 = 0.5 to A, so A rejects it."""
    model = seat("bilateral", A=TitForTat(), B=scripted(levels=B_LEVELS))
    for _ in range(6):
        model.step()
    row = model.rows[5]
    assert row["proposer"] == "B"
    assert row["thresholds"]["A"] == pytest.approx(0.8)
    assert row["u_A"] == pytest.approx(0.5)
    assert row["responses"]["A"] == "reject"
