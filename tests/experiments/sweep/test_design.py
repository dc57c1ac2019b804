"""Designs: sizes, point values, seeds derived from the root seed, stable run keys."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from sweep_helpers import ishigami_config, linear_config

from bargaining_chips.experiments.sweep.config import ParameterSpec
from bargaining_chips.experiments.sweep.design import Design, from_unit, run_key, run_seed


def test_grid_size_is_the_product_times_replications():
    cfg = linear_config(
        replications=7,
        levers={"x": {"values": [0.0, 0.5, 1.0]}, "label": {"values": ["a", "b", "c", "d"]}},
        uncertainties={"z": {"range": [0.0, 1.0], "steps": 5}},
    )
    design = Design(cfg)
    assert design.points == 3 * 4 * 5
    assert design.runs_total == 3 * 4 * 5 * 7
    assert len(list(design.runs())) == design.runs_total


def test_grid_points_follow_itertools_product_order():
    cfg = linear_config(
        levers={"x": {"values": [0.0, 0.5, 1.0]}, "label": {"values": ["a", "b"]}},
        uncertainties={"z": {"range": [0.0, 1.0], "steps": 3}},
    )
    design = Design(cfg)
    expected = list(itertools.product([0.0, 0.5, 1.0], ["a", "b"], [0.0, 0.5, 1.0]))
    got = [tuple(design.point(i).values()) for i in range(design.points)]
    assert got == expected
    with pytest.raises(IndexError):
        design.point(design.points)


@pytest.mark.parametrize("second_order", [False, True])
def test_saltelli_size(second_order):
    n, d = 64, 3
    design = Design(ishigami_config(samples=n, design={"kind": "sobol", "samples": n,
                                                       "second_order": second_order}))
    assert design.points == (n * (2 * d + 2) if second_order else n * (d + 2))


def test_morris_and_oat_sizes():
    morris = Design(ishigami_config(design={"kind": "morris", "samples": 10, "levels": 4}))
    assert morris.points == 10 * (3 + 1)
    oat = Design(ishigami_config(design={"kind": "oat", "steps": 5}))
    assert oat.points == 1 + 3 * 5
    assert oat.varied[0] is None and oat.varied[1:6] == ["x1"] * 5
    base = oat.point(0)
    assert all(v == pytest.approx(0.0) for v in base.values())
    log = Design(ishigami_config(
        design={"kind": "oat", "steps": 3},
        uncertainties={"x1": {"range": [0.1, 10.0], "distribution": "loguniform"}},
    ))
    assert log.point(0)["x1"] == pytest.approx(1.0)  # the median: the geometric mean
    assert [log.point(i)["x1"] for i in (1, 2, 3)] == pytest.approx([0.1, 1.0, 10.0])


def test_lhs_is_stratified_in_every_dimension():
    design = Design(ishigami_config(design={"kind": "lhs", "samples": 50}))
    strata = np.floor(design.unit * 50).astype(int)
    for d in range(3):
        assert sorted(strata[:, d]) == list(range(50))


def test_seeds_are_the_spawned_children_of_the_root_seed():
    cfg = linear_config(replications=4)
    design = Design(cfg)
    children = np.random.SeedSequence(cfg.root_seed).spawn(design.runs_total)
    expected = [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]
    assert [r.seed for r in design.runs()] == expected
    assert all(0 <= s < 2**63 for s in expected)
    assert len(set(expected)) == len(expected)


def test_common_random_numbers_share_seeds_across_points():
    design = Design(linear_config(replications=3, common_random_numbers=True))
    seeds = np.array([r.seed for r in design.runs()]).reshape(design.points, 3)
    assert (seeds == seeds[0]).all()
    assert list(seeds[0]) == [run_seed(11, r) for r in range(3)]


def test_design_does_not_depend_on_global_random_state():
    np.random.seed(1)
    a = Design(ishigami_config(samples=16)).keys()
    np.random.seed(2)
    import random

    random.seed(3)
    b = Design(ishigami_config(samples=16)).keys()
    assert (a == b).all()
    assert (a != Design(ishigami_config(samples=16, root_seed=4)).keys()).any()


def test_run_keys_are_stable_and_distinguish_params_and_seed():
    key = run_key({"x": 0.5, "z": 1.0}, 7)
    assert key == run_key({"z": 1.0, "x": 0.5}, 7)
    assert len(key) == 16
    assert key != run_key({"x": 0.5, "z": 1.0}, 8)
    assert key != run_key({"x": 0.5, "z": 1.5}, 7)
    design = Design(linear_config())
    assert design.run(5).key == list(design.runs())[5].key
    assert design.keys().shape == (design.points, design.replications)


def test_params_carry_constants_and_scenario():
    cfg = linear_config(scenario="somewhere")
    params = Design(cfg).params(0)
    assert params == {"noise": 0.5, "x": 0.0, "z": 0.0, "scenario": "somewhere"}


def test_from_unit_maps_by_inverse_cdf():
    values = ParameterSpec(values=("a", "b", "c"))
    assert from_unit(values, np.array([0.0, 0.34, 0.99, 1.0])) == ["a", "b", "c", "c"]
    uniform = ParameterSpec(range=(2.0, 4.0))
    assert from_unit(uniform, np.array([0.0, 0.5, 1.0])) == [2.0, 3.0, 4.0]
    log = ParameterSpec(range=(0.1, 10.0), distribution="loguniform")
    assert from_unit(log, np.array([0.5]))[0] == pytest.approx(1.0)
    tri = ParameterSpec(range=(0.0, 1.0), distribution="triangular", mode=0.0)
    assert from_unit(tri, np.array([0.75]))[0] == pytest.approx(0.5)  # F(x) = 1 - (1 - x)^2
    normal = ParameterSpec(range=(-1.0, 1.0), distribution="normal", mean=0.0, sd=1.0)
    assert from_unit(normal, np.array([0.5]))[0] == pytest.approx(0.0, abs=1e-12)
    assert math.isclose(from_unit(normal, np.array([1.0]))[0], 1.0)
