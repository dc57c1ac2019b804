"""Time-dependent concession (agents/strategies/concession.py) against a scripted counterpart.

In the bilateral fixture A's reservation is its no-deal utility, 0.5, and the hard deadline at
round 10 puts its horizon at round index 9, so t = r/9 in round index r. A Faratin–Sierra–Jennings
negotiator with start 1, floor r = 0.5 and k = 0 asks for

    level(t) = 1 − (1 − 0.5) · t^(1/β)

and accepts an offer worth at least the level it would ask for next (its reservation in the last
round). The scripted B asks for its best terms throughout and rejects everything.
"""

from __future__ import annotations

import pytest

from bargaining_chips.agents.messages import Response
from bargaining_chips.agents.strategies.concession import (
    PRESETS,
    Boulware,
    Conceder,
    Linear,
    TimeDependent,
    concession,
)


def test_concession_runs_from_k_to_one():
    for beta in (0.2, 1.0, 5.0):
        assert concession(0.0, beta) == 0.0
        assert concession(1.0, beta) == 1.0
        assert concession(0.0, beta, k=0.1) == pytest.approx(0.1)
        assert concession(1.0, beta, k=0.1) == pytest.approx(1.0)
    assert concession(0.5, 1.0) == pytest.approx(0.5)
    assert concession(0.5, 0.5) == pytest.approx(0.25)  # t^(1/β) = 0.5²
    assert concession(-1.0, 2.0) == 0.0 and concession(2.0, 2.0) == 1.0  # t is clipped


def test_boulware_concedes_late_and_conceder_early():
    ts = [i / 10 for i in range(1, 10)]
    for t in ts:
        assert concession(t, PRESETS["boulware"]) < concession(t, 1.0) < concession(t, PRESETS["conceder"])


def test_presets_are_the_defaults_of_the_named_classes():
    assert Boulware().beta == PRESETS["boulware"] == 0.2
    assert Linear().beta == PRESETS["linear"] == 1.0
    assert Conceder().beta == PRESETS["conceder"] == 5.0


def _run_against_a_wall(seat, scripted, strategy):
    model = seat("bilateral", A=strategy, B=scripted(levels=[1.0]))
    model.run()
    return model


@pytest.mark.parametrize("cls", [Boulware, Linear, Conceder])
def test_levels_follow_the_concession_curve(seat, scripted, cls):
    strategy = cls()
    model = _run_against_a_wall(seat, scripted, strategy)
    beta = strategy.beta
    asked = [(row["round"] - 1, row["u_A"]) for row in model.rows if row["proposer"] == "A"]
    assert [r for r, _ in asked] == [0, 2, 4, 6, 8]
    for r, u in asked:
        assert u == pytest.approx(1 - (1 - 0.5) * (r / 9) ** (1 / beta), abs=1e-9)
    # A's answers to B: the level it would ask for next; its reservation in the last round.
    thresholds = [(row["round"] - 1, row["thresholds"]["A"]) for row in model.rows if row["proposer"] == "B"]
    for r, threshold in thresholds[:-1]:
        assert threshold == pytest.approx(1 - 0.5 * ((r + 1) / 9) ** (1 / beta))
    assert thresholds[-1] == (9, 0.5)
    assert model.outcome.reason == "hard deadline"


def test_start_k_and_floor_shape_the_curve(seat, scripted):
    """level = start − (start − floor) · (k + (1 − k) · t^(1/β))."""
    strategy = TimeDependent(beta=2.0, k=0.1, start=0.9, floor=0.6)
    model = _run_against_a_wall(seat, scripted, strategy)
    for row in model.rows:
        if row["proposer"] == "A":
            t = (row["round"] - 1) / 9
            assert row["u_A"] == pytest.approx(0.9 - 0.3 * (0.1 + 0.9 * t ** 0.5), abs=1e-9)


def test_a_floor_below_the_reservation_is_lifted_to_it(seat, scripted):
    model = _run_against_a_wall(seat, scripted, Linear(floor=0.1))
    assert min(row["u_A"] for row in model.rows if row["proposer"] == "A") >= 0.5 - 1e-12


@pytest.mark.parametrize(("margin", "answer"), [(0.001, "accept"), (-0.001, "reject")])
def test_accepts_an_offer_worth_at_least_its_next_level(seat, scripted, margin, answer):
    """In round 2 (index 1) a linear A would next ask for 1 − 0.5 · 2/9; B's offer is worth that
    to A, give or take 0.001."""
    model = seat("bilateral", A=Linear(), B=scripted())
    space = model.setup.space
    next_level = 1 - 0.5 * 2 / 9
    terms = space.offer_at(0, next_level + margin, model.weights, (1,), snap=False)
    model.government(1).strategy = scripted(terms=[terms])
    model.step()
    model.step()
    assert model.rows[1]["responses"]["A"] == answer
    assert model.rows[1]["thresholds"]["A"] == pytest.approx(next_level)
    assert (model.outcome is not None) == (answer == "accept")


def test_in_the_last_round_anything_as_good_as_no_deal_is_accepted(seat, scripted):
    """B proposes in rounds 2, 4, ..., 10; only its last offer gives A anything, exactly A's
    reservation 0.5, which a Boulware A at t = 1 accepts."""
    model = seat("bilateral", A=Boulware(), B=scripted())
    space = model.setup.space
    best_for_b = space.offer_at(1, 1.0, model.weights, (0,), snap=False)
    half_for_a = space.offer_at(0, 0.5, model.weights, (1,), snap=False)
    model.government(1).strategy = scripted(terms=[best_for_b] * 4 + [half_for_a])
    model.run()
    last = model.rows[-1]
    assert last["round"] == 10
    assert last["u_A"] == pytest.approx(0.5)
    assert last["responses"]["A"] == Response.ACCEPT.value
    assert model.outcome.agreement
    assert all(row["responses"].get("A") != "accept" for row in model.rows[:-1])
