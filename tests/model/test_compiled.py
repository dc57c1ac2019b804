"""The compiled scenario (model/compiled.py): rounds, deadlines resolved to rounds, reservations,
and the one definition of relative time with its expected horizon."""

from __future__ import annotations

import datetime as dt

import pytest

from bargaining_chips.model import load_scenario
from bargaining_chips.model.compiled import Deadline, compile_scenario, expected_horizon
from bargaining_chips.model.errors import ScenarioWarning


def _deadline(index: int, kind: str = "soft", p: float = 0.0) -> Deadline:
    return Deadline(f"d{index}", index, kind, p, None, "")


@pytest.fixture(scope="module")
def default():
    return compile_scenario(load_scenario("us_japan_2025"))


def test_rounds_are_numbered_and_dated(default):
    assert [r.number for r in default.rounds] == list(range(1, 11))
    assert default.rounds[0].date == dt.date(2025, 4, 16)
    assert default.rounds[0].iso_date == "2025-04-16"
    assert default.rounds[6].label == "Leaders at the G7 summit"
    assert default.rounds[6].place == "Kananaskis"


def test_undated_rounds_come_from_max_rounds(fixture_path):
    setup = compile_scenario(load_scenario(fixture_path("bilateral")))
    assert [r.number for r in setup.rounds] == list(range(1, 11))
    assert all(r.date is None and r.iso_date is None for r in setup.rounds)


def test_max_rounds_caps_a_calendar():
    with pytest.warns(ScenarioWarning, match="leaves no round for the deadline to move to"):
        setup = compile_scenario(load_scenario("us_japan_2025", {"protocol.max_rounds": 4}))
    assert len(setup.rounds) == 4
    # Both deadlines fall after the cap: they resolve to the last round played.
    assert [d.index for d in setup.deadlines] == [3, 3]


def test_deadlines_resolve_to_the_last_round_on_or_before_their_date(default):
    """G7 (17 Jun) → the round of 16 Jun (index 6); the pause's end (9 Jul) → 7 Jul (index 9)."""
    assert [(d.name, d.index, d.kind) for d in default.deadlines] == [
        ("G7", 6, "target"),
        ("pause_end", 9, "soft"),
    ]
    assert default.deadlines[0].extension_probability == 0.5
    assert default.deadlines[0].label == "G7 leaders' summit"


def test_deadlines_are_sorted_by_round_whatever_the_file_order(fixture_path):
    spec = load_scenario(
        fixture_path("bilateral"),
        {"deadlines.early": {"kind": "soft", "round": 4, "extension_probability": 0.2}},
    )
    assert [(d.name, d.index) for d in compile_scenario(spec).deadlines] == [("early", 3), ("end", 9)]


def test_reservation_is_explicit_or_the_no_deal_utility(default):
    assert default.reservation[default.index("US")] == 0.5
    assert default.reservation[default.index("Japan")] == 0.6
    assert default.reservation[default.index("NVIDIA")] == pytest.approx(0.0)
    assert default.reservation[default.index("JA_Farm")] == 0.7  # explicit in the scenario
    assert default.reservation[default.index("LNG_Developer")] == pytest.approx(0.0)  # no deal


def test_proposer_order_and_homes(default):
    names = default.actor_names
    assert [names[i] for i in default.proposer_order] == ["Japan", "US"]
    assert names[default.home[default.index("Toyota")]] == "Japan"
    assert default.home[default.index("US")] == default.index("US")


@pytest.mark.parametrize(
    ("deadlines", "believed", "last", "expected"),
    [
        ((), 0, 9, 9.0),
        ((_deadline(6, "hard"),), 0, 9, 6.0),
        ((_deadline(6, "soft", 0.0),), 0, 9, 6.0),
        ((_deadline(6, "soft", 1.0),), 0, 9, 9.0),
        ((_deadline(6, "soft", 0.5), _deadline(9, "hard")), 0, 9, 0.5 * 6 + 0.5 * 9),
        ((_deadline(6, "soft", 0.5), _deadline(9, "hard")), 1, 9, 9.0),
        # A hard deadline binds whatever extension probability it carries.
        ((_deadline(6, "hard", 0.9), _deadline(9, "hard")), 0, 9, 6.0),
        # H = (1 − p1) D1 + p1 ((1 − p2) D2 + p2 L)
        ((_deadline(2, "soft", 0.25), _deadline(5, "soft", 0.5)), 0, 11,
         0.75 * 2 + 0.25 * (0.5 * 5 + 0.5 * 11)),
    ],
)
def test_expected_horizon(deadlines, believed, last, expected):
    assert expected_horizon(deadlines, believed, last) == pytest.approx(expected)


def test_relative_time_is_zero_at_the_first_round_and_one_at_a_credible_deadline():
    setup = compile_scenario(load_scenario("us_japan_2025", {"deadlines.G7.extension_probability": 0.0}))
    for actor in ("US", "Japan"):
        assert setup.relative_time(setup.index(actor), 0) == 0.0
    japan = setup.index("Japan")  # believes the G7 summit (index 6) binds
    assert setup.relative_time(japan, 6) == 1.0
    assert setup.relative_time(japan, 3) == pytest.approx(0.5)
    assert setup.relative_time(japan, 8) == 1.0  # past the horizon: the end of the curve
    us = setup.index("US")  # believes the end of the pause (index 9, hard)
    assert setup.relative_time(us, 9) == 1.0
    assert setup.relative_time(us, 6) == pytest.approx(6 / 9)


def test_relative_time_follows_the_expected_horizon_of_a_soft_deadline(default):
    """Japan believes in the G7 deadline, extended with p = 0.5: its horizon is 0.5·6 + 0.5·9."""
    japan = default.index("Japan")
    assert default.belief_index[japan] == pytest.approx(7.5)
    assert default.relative_time(japan, 6) == pytest.approx(6 / 7.5)
    assert default.relative_time(japan, 0) == 0.0


def test_an_actor_without_a_belief_takes_the_first_deadline(fixture_path):
    spec = load_scenario(
        fixture_path("bilateral"),
        {"deadlines.early": {"kind": "hard", "round": 5}},
    )
    setup = compile_scenario(spec)
    assert setup.belief_index[0] == 4.0
    assert setup.relative_time(0, 4) == 1.0


def test_a_horizon_at_the_first_round_means_time_is_up(fixture_path):
    setup = compile_scenario(load_scenario(fixture_path("bilateral"), {"deadlines.end.round": 1}))
    assert setup.relative_time(0, 0) == 1.0


def test_compiled_scenarios_do_not_outlive_the_memo_bound():
    """A Compiled holds its scenario, so the memo keeps at most MAX_COMPILED: a sweep over a
    continuous parameter (a new scenario object every run) has flat memory."""
    import gc
    import weakref

    from bargaining_chips.model import compiled as memo
    from bargaining_chips.model.loader import scenario_from_dict
    from bargaining_chips.model.overrides import scenario_tables

    base = load_scenario("us_japan_2025")
    tables = scenario_tables(base)
    first = scenario_from_dict(tables, "x", {"actors.Japan.strategy.beta": 0.5})
    memo.compile_scenario(first)
    gone = weakref.ref(first)
    del first
    for k in range(memo.MAX_COMPILED + 1):
        memo.compile_scenario(scenario_from_dict(tables, "x", {"actors.Japan.strategy.beta":
                                                               0.6 + k / 1e4}))
    gc.collect()
    assert gone() is None
    assert len(memo._COMPILED) <= memo.MAX_COMPILED


# -- parts shared between variants of a scenario ----------------------------------------------

def _same_numbers(a, b, at: str = "compiled") -> None:
    """``a`` and ``b`` hold the same values, bit for bit (arrays by dtype, shape and bytes; floats
    by their bits), field by field (a space's memos aside: they hold what was asked of it)."""
    import dataclasses
    import struct

    import numpy as np

    assert type(a) is type(b), at
    if isinstance(a, np.ndarray):
        assert (a.dtype, a.shape) == (b.dtype, b.shape), at
        assert a.tobytes() == b.tobytes(), at
    elif isinstance(a, float):
        assert struct.pack("<d", a) == struct.pack("<d", b), at
    elif isinstance(a, dict):
        assert list(a) == list(b), at
        for key in a:
            _same_numbers(a[key], b[key], f"{at}[{key!r}]")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), at
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            _same_numbers(x, y, f"{at}[{k}]")
    elif dataclasses.is_dataclass(a) or hasattr(a, "__dict__"):
        names = [f.name for f in dataclasses.fields(a)] if dataclasses.is_dataclass(a) \
            else list(vars(a))
        for name in names:
            if name.endswith("_memo"):
                continue
            x, y = getattr(a, name), getattr(b, name)
            if name == "spec":
                assert x == y, f"{at}.spec"
            else:
                _same_numbers(x, y, f"{at}.{name}")
    else:
        assert a == b, at


def _fresh(source: str, overrides: dict):
    """``source`` with ``overrides`` compiled as a new process would: nothing kept."""
    from bargaining_chips.model.compiled import forget_compiled

    forget_compiled()
    return compile_scenario(load_scenario(source, overrides))


#: What a new utility space rebuilds: the parts built from it.
SPACE = ("space", "lobbying", "ratification", "start")
#: Overrides of each input a shared part reads (model/compiled.py), and the parts that must then
#: be built again rather than shared.
CHANGED = [
    ({"actors.Japan.reservation": 0.55}, ()),
    ({"actors.US.strategy.beta": 0.9, "actors.Japan.strategy.beta": 2.0}, ()),
    ({"deadlines.G7.extension_probability": 0.9}, ()),
    ({"actors.US.weights.farm_access": 0.3}, SPACE),
    ({"actors.Japan.shape.farm_access": "power"}, SPACE),
    ({"actors.US.curvature.auto_tariff": 0.9}, SPACE),
    ({"issues.farm_access.max": 80.0}, SPACE),
    ({"issues.auto_tariff.no_deal": 10.0}, SPACE),
    ({"actors.NVIDIA.lobbying_power": 0.5}, ("lobbying",)),
    ({"actors.SoftBank.pledges.0.share": 0.1}, ("lobbying", "start")),
    ({"coalitions.partner_boost": 2.0}, ("lobbying",)),
    ({"coalitions.reservation_bound": 0.2}, ("lobbying",)),
    ({"protocol.lobbying_rate": 0.3}, ("lobbying",)),
    ({"actors.Japan.ratification.threshold": 0.6}, ("ratification",)),
    ({"events.upper_house_election.threshold": 0.5}, ("ratification",)),
    ({"deadlines.pause_end.date": dt.date(2025, 8, 1)}, ("rounds", "ratification")),
    ({"calendar.cadence_days": 14}, ("rounds", "ratification")),
    ({"protocol.max_rounds": 12}, ("rounds", "ratification")),
]


def _parts(setup) -> dict:
    return {"space": setup.space, "rounds": setup.rounds, "lobbying": setup.lobbying.targets,
            "ratification": setup.ratification, "start": setup.start}


@pytest.mark.parametrize(("overrides", "rebuilt"), CHANGED,
                         ids=[", ".join(o) for o, _ in CHANGED])
def test_a_variant_compiled_after_another_equals_it_compiled_afresh(overrides, rebuilt):
    """A variant compiled after its base shares the parts its overrides leave alone (the same
    objects) and has every other rebuilt: field for field, bit for bit, it is what a fresh
    process compiles."""
    from bargaining_chips.experiments.variants import variant

    base = _fresh("us_japan_2025", {})
    shared = compile_scenario(variant("us_japan_2025", overrides))
    for part, held in _parts(shared).items():
        assert (held is _parts(base)[part]) == (part not in rebuilt), part
    assert shared.lobbying.base_reservation is shared.reservation
    _same_numbers(shared, _fresh("us_japan_2025", overrides))


def test_two_draws_in_one_process_play_as_each_does_alone():
    """Two variants with other values of the overridden parameters, built and played one after
    the other in one process (sharing parts and the space's memos), give the records each gives
    played first in a fresh process, in either order."""
    from bargaining_chips.experiments.variants import variant
    from bargaining_chips.model.compiled import forget_compiled
    from bargaining_chips.model.negotiation import NegotiationModel

    draws = [{"actors.Japan.reservation": 0.47, "actors.US.reservation": 0.66,
              "actors.Japan.strategy.beta": 2.5, "actors.US.strategy.beta": 0.15,
              "deadlines.G7.extension_probability": 0.1},
             {"actors.Japan.reservation": 0.72, "actors.US.reservation": 0.42,
              "actors.Japan.strategy.beta": 0.4, "actors.US.strategy.beta": 1.3,
              "deadlines.G7.extension_probability": 0.95}]

    def play(overrides: dict) -> tuple:
        model = NegotiationModel(variant("us_japan_2025", overrides), seed=7, collect=False)
        model.run()
        return (model.rows, [repr(e) for e in model.events], model.outcome.reason,
                model.outcome.terms.tobytes(), model.weights.tobytes(),
                model.reservation.tobytes())

    alone = []
    for overrides in draws:
        forget_compiled()
        alone.append(play(overrides))
    assert alone[0] != alone[1]
    for order in ([0, 1], [1, 0]):
        forget_compiled()
        for k in order:
            assert play(draws[k]) == alone[k]


#: Another value of a word the scenario chooses from (a direction, a value's shape, a date's kind).
OTHER_WORD = {"high": "low", "low": "high", "power": "quadratic", "quadratic": "power",
              "target": "hard", "soft": "hard", "hard": "soft"}


def _leaves(data, path: tuple[str, ...] = ()):
    """Every (dotted path, value) of a scenario file's table, lists by position."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*path, str(key)))
    elif isinstance(data, list):
        for k, value in enumerate(data):
            yield from _leaves(value, (*path, str(k)))
    else:
        yield ".".join(path), data


def _other(value):
    """Another valid-looking value of the same kind, or None (a name, a label, a source)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value / 2 if value else 0.05
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=1)
    return OTHER_WORD.get(value) if isinstance(value, str) else None


#: Scenarios whose every value is changed alone (:func:`test_every_value_changed_alone_...`),
#: each with the overrides of its base: the default, and scenarios with what it lacks (deadlines
#: of every kind, a target after the last deadline, three governments, a firm that holds out at
#: home, categorical issues: Zeuthen's).
EVERY_VALUE = [("us_japan_2025", {}), ("zeuthen", {}), ("deadlines", {}),
               ("deadlines", {"deadlines.summit": {"kind": "target", "date": dt.date(2025, 6, 9),
                                                   "label": "the summit"}}),
               ("three_governments", {}), ("two_level", {}), ("schelling", {}), ("holdout", {})]


@pytest.mark.parametrize(("source", "base"), EVERY_VALUE,
                         ids=[f"{s}{'-' + '-'.join(b) if b else ''}" for s, b in EVERY_VALUE])
def test_every_value_changed_alone_compiles_as_afresh(source, base, fixture_path):
    """The parts a variant shares with its base are keyed by the fields their builders read,
    listed by hand (model/compiled.py): changed one at a time, every number, date, switch and
    choice of word in the scenario's file gives, compiled after the base, what a fresh process
    compiles, bit for bit; a field a builder reads but its key leaves out would give the base's
    part instead."""
    import tomllib
    import warnings

    from bargaining_chips.experiments.variants import variant
    from bargaining_chips.model.errors import UserError
    from bargaining_chips.model.loader import resolve_scenario

    bundled = source in ("us_japan_2025", "zeuthen")
    path = resolve_scenario(source) if bundled else fixture_path(source)
    source = str(path)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    checked = []
    for key, value in _leaves({k: v for k, v in data.items() if k not in ("meta", "sources")}):
        new = _other(value)
        if new is None:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScenarioWarning)  # an inert setting: still compiled
            changed = {**base, key: new}
            try:
                fresh = _fresh(source, changed)
            except UserError:  # out of its range, or against another field: no variant
                continue
            _fresh(source, base)
            _same_numbers(compile_scenario(variant(source, changed)), fresh, key)
        checked.append(key)
    assert len(checked) >= 10, checked
    if source.endswith("us_japan_2025.toml"):
        assert len(checked) > 120, len(checked)
        assert {"protocol.lobbying_rate", "calendar.cadence_days",
                "actors.US.prefers.chip_purchases", "deadlines.G7.kind",
                "actors.Japan.shape.farm_access"} <= set(checked)
