"""Categorical issues: schema, the finite deal space, offers and the frontier over deals."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import numpy as np
import pytest

from bargaining_chips.model.analysis import Frontier
from bargaining_chips.model.categorical import DiscreteSpace, grid
from bargaining_chips.model.compiled import compile_scenario
from bargaining_chips.model.errors import ScenarioError
from bargaining_chips.model.loader import SCENARIO_DIR, load_scenario
from bargaining_chips.model.utility import UtilitySpace

ZEUTHEN = SCENARIO_DIR / "theory" / "zeuthen.toml"


def write_variant(tmp_path: Path, edit) -> str:
    """The zeuthen scenario with its raw TOML edited by ``edit(raw)``, written to tmp_path."""
    raw = tomllib.loads(ZEUTHEN.read_text(encoding="utf-8"))
    edit(raw)
    lines = []

    def emit(prefix: str, table: dict) -> None:
        scalars = {k: v for k, v in table.items() if not isinstance(v, dict)}
        lines.append(f"[{prefix}]")
        for k, v in scalars.items():
            lines.append(f"{k} = {toml_value(v)}")
        for k, v in table.items():
            if isinstance(v, dict):
                emit(f"{prefix}.{k}", v)

    for key, table in raw.items():
        emit(key, table)
    path = tmp_path / "variant.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v.replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return repr(v)


def test_a_categorical_issue_is_its_options_by_position():
    spec = load_scenario("zeuthen")
    issue = spec.issues["deal"]
    assert issue.categorical and issue.options == ("A", "B", "C", "D", "E")
    assert (issue.min, issue.max, issue.step) == (0.0, 4.0, 1.0)
    assert math.isnan(issue.no_deal)
    assert issue.render(2.0) == "C" and issue.render("D") == "D" and issue.render(math.nan) == "—"


def test_the_deal_space_lists_every_deal_with_each_actors_values():
    space = compile_scenario(load_scenario("zeuthen")).space
    assert isinstance(space, DiscreteSpace)
    assert space.deals[:, 0].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    u = space.deal_utilities(space.weights)
    assert u[:, 0].tolist() == pytest.approx([0.9, 0.8, 0.6, 0.4, 0.1])
    assert u[:, 1].tolist() == pytest.approx([0.1, 0.3, 0.5, 0.6, 0.7])
    assert space.named_terms(np.array([2.0])) == {"deal": "C"}
    assert space.utility(1, np.array([3.0]), space.weights) == pytest.approx(0.6)


def test_the_numeric_fast_path_is_untouched(fixture_path):
    """A scenario without categorical issues keeps the numeric space (and, when every value is
    linear, its linear shortcut)."""
    space = compile_scenario(load_scenario("us_japan_2025")).space
    assert type(space) is UtilitySpace and not space.linear  # concave values since 2025-05 facts
    linear = compile_scenario(load_scenario(fixture_path("us_japan_2025_v1"))).space
    assert type(linear) is UtilitySpace and linear.linear


def test_offer_at_gives_the_other_most_among_deals_worth_the_level():
    space = compile_scenario(load_scenario("zeuthen")).space
    w = space.weights
    assert space.offer_at(0, 0.55, w, (1,)).tolist() == [2.0]  # C: the best for P2 worth ≥ .55
    assert space.offer_at(0, 0.95, w, (1,)).tolist() == [0.0]  # nothing worth .95: P1's best, A
    assert space.offer_at(1, 0.6, w, (0,)).tolist() == [3.0]  # D
    assert space.offer_at(1, 0.0, w, (0,)).tolist() == [0.0]  # everything qualifies: A for P1


def test_the_frontier_over_deals_and_its_solutions():
    setup = compile_scenario(load_scenario("zeuthen"))
    front = Frontier(setup.space, setup.space.weights, 0, 1, (0.0, 0.0))
    expected = np.array([[0.1, 0.7], [0.4, 0.6], [0.6, 0.5], [0.8, 0.3], [0.9, 0.1]])
    assert front.points == pytest.approx(expected)
    assert front.nash().terms.tolist() == [2.0]
    assert front.nash(0.9).terms.tolist() == [1.0]  # B: .9 ln .8 + .1 ln .3 beats A and C
    assert front.nash(0.95).terms.tolist() == [0.0]  # A
    assert front.kalai_smorodinsky().terms.tolist() == [2.0]
    assert front.max_welfare().terms.tolist() == [2.0]
    assert front.distance(0.6, 0.5) == pytest.approx(0.0)


def test_mixed_scenarios_enumerate_numeric_grids():
    assert grid(0.0, 1.0, 0.4).tolist() == pytest.approx([0.0, 0.4, 0.8, 1.0])
    assert grid(0.0, 1.0, 0.5).tolist() == pytest.approx([0.0, 0.5, 1.0])


@pytest.mark.parametrize(
    "edit, field",
    [
        (lambda raw: raw["issues"]["deal"].update(options=["A"]), "issues.deal"),
        (lambda raw: raw["issues"]["deal"].update(options=["A", "A"]), "issues.deal"),
        (lambda raw: raw["issues"]["deal"].update(min=0.0), "issues.deal"),
        (lambda raw: raw["issues"]["deal"].update(no_deal="F"), "issues.deal"),
        (lambda raw: raw["actors"]["P1"]["values"]["deal"].pop("C"), "actors.P1.values.deal"),
        (lambda raw: raw["actors"]["P1"]["values"]["deal"].update(F=0.5), "actors.P1.values.deal.F"),
        (lambda raw: raw["actors"]["P1"]["values"]["deal"].update(A=1.5), "actors.P1.values"),
        (lambda raw: raw["actors"]["P1"].pop("reservation"), "actors.P1.reservation"),
        (lambda raw: raw["actors"]["P1"].update(prefers={"deal": "high"}), "actors.P1.prefers.deal"),
        (lambda raw: raw["issues"].update(price={"label": "p", "min": 0.0, "max": 1.0, "no_deal": 0.0}),
         "issues.price.step"),
    ],
)
def test_bad_categorical_input_is_a_scenario_error_naming_the_field(tmp_path, edit, field):
    path = write_variant(tmp_path, edit)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert err.value.field.startswith(field)


def test_a_no_deal_option_gives_the_default_reservation(tmp_path):
    def edit(raw):
        raw["issues"]["deal"]["no_deal"] = "E"
        del raw["actors"]["P1"]["reservation"]
        del raw["actors"]["P2"]["reservation"]

    setup = compile_scenario(load_scenario(write_variant(tmp_path, edit)))
    assert setup.reservation[:2].tolist() == pytest.approx([0.1, 0.7])
