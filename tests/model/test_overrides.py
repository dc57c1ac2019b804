"""Overrides by dotted path (model/overrides.py): reading values, walking tables and lists, and the
paths that must be refused."""

from __future__ import annotations

import datetime as dt

import pytest

from bargaining_chips.model.errors import ScenarioError
from bargaining_chips.model.overrides import apply_overrides, parse_assignment, parse_value

RAW = {
    "meta": {"name": "s", "title": "t"},
    "sources": {"issues": "a source"},
    "issues": {"x": {"min": 0.0, "max": 1.0}},
    "actors": {"A": {"strategy": {"name": "boulware", "beta": 0.2}}},
    "calendar": {"rounds": [{"date": dt.date(2025, 4, 16)}, {"date": dt.date(2025, 5, 1)}]},
}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0.5", 0.5),
        ("3", 3),
        ("-2", -2),
        ("true", True),
        ("false", False),
        ("2025-06-20", dt.date(2025, 6, 20)),
        ("[1, 2]", [1, 2]),
        ('"quoted text"', "quoted text"),
        ("boulware", "boulware"),
        ('{name = "zeuthen"}', {"name": "zeuthen"}),
    ],
)
def test_parse_value_reads_toml_values_and_takes_bare_words_as_strings(raw, expected):
    value = parse_value(raw)
    assert value == expected
    assert type(value) is type(expected)


def test_parse_assignment_splits_at_the_first_equals_sign():
    assert parse_assignment("actors.Japan.strategy.beta=0.5") == ("actors.Japan.strategy.beta", 0.5)
    assert parse_assignment(" meta.title = a=b ") == ("meta.title", "a=b")


@pytest.mark.parametrize("text", ["actors.Japan.strategy.beta", "=0.5", ""])
def test_parse_assignment_without_path_or_value_is_a_user_error(text):
    with pytest.raises(ScenarioError) as err:
        parse_assignment(text)
    assert err.value.source == "--set"
    assert "PATH=VALUE" in err.value.expected


def test_overrides_reach_into_tables_and_lists():
    out = apply_overrides(
        RAW,
        {
            "actors.A.strategy.beta": 5.0,
            "calendar.rounds.1.date": dt.date(2025, 5, 2),
            "issues.x.max": 2.0,
        },
        "f.toml",
    )
    assert out["actors"]["A"]["strategy"]["beta"] == 5.0
    assert out["calendar"]["rounds"][1]["date"] == dt.date(2025, 5, 2)
    assert out["issues"]["x"]["max"] == 2.0


def test_the_last_key_may_be_new_so_defaults_can_be_overridden():
    out = apply_overrides(RAW, {"actors.A.strategy.k": 0.1}, "f.toml")
    assert out["actors"]["A"]["strategy"] == {"name": "boulware", "beta": 0.2, "k": 0.1}


def test_a_whole_table_can_be_replaced():
    out = apply_overrides(RAW, {"actors.A.strategy": {"name": "zeuthen"}}, "f.toml")
    assert out["actors"]["A"]["strategy"] == {"name": "zeuthen"}


def test_the_input_is_left_untouched():
    before = repr(RAW)
    apply_overrides(RAW, {"actors.A.strategy.beta": 9.0, "calendar.rounds.0.label": "x"}, "f.toml")
    assert repr(RAW) == before


@pytest.mark.parametrize(
    ("path", "field", "hint"),
    [
        ("actors.C.strategy.beta", "actors.C", "known here: A"),
        ("nosuch.table", "nosuch", "does not exist"),
        ("calendar.rounds.3.date", "calendar.rounds.3", "2 entries (0-based; 2 appends one)"),
        ("calendar.rounds.first.date", "calendar.rounds.first", "2 entries"),
        ("issues.x.max.deeper", "issues.x.max.deeper", "issues.x.max is a value"),
        ("meta.author", "meta.author", "does not exist"),
        ("sources.actors", "sources.actors", "does not exist"),
    ],
)
def test_unknown_paths_are_refused_naming_the_first_missing_step(path, field, hint):
    with pytest.raises(ScenarioError) as err:
        apply_overrides(RAW, {path: 1.0}, "f.toml")
    assert err.value.source == "f.toml"
    assert err.value.field == field
    assert hint in err.value.expected


def test_meta_and_sources_entries_can_change_but_not_be_added():
    out = apply_overrides(RAW, {"meta.title": "new", "sources.issues": "another"}, "f.toml")
    assert out["meta"]["title"] == "new"
    assert out["sources"]["issues"] == "another"


def test_what_an_override_puts_into_a_loaded_scenario_is_checked_like_a_file():
    """A loaded scenario's own tables are not walked again, but each override's value is: a number
    that is not finite, or a value nested past the limit counted from the root, is refused and
    blamed on its --set."""
    from bargaining_chips.model import NegotiationModel, load_scenario
    from bargaining_chips.model.inputs import MAX_DEPTH

    spec = load_scenario("us_japan_2025")
    with pytest.raises(ScenarioError, match="finite") as err:
        NegotiationModel(spec, seed=0, overrides={"actors.Japan.reservation": float("inf")})
    assert "--set actors.Japan.reservation" in str(err.value)
    deep: list = []
    for _ in range(MAX_DEPTH - 1):  # under meta.description (depth 2): innermost at MAX_DEPTH + 1
        deep = [deep]
    with pytest.raises(ScenarioError, match="nested too deeply") as err:
        NegotiationModel(spec, seed=0, overrides={"meta.description": deep})
    assert "--set meta.description" in str(err.value)
    shallow = deep[0]  # one level less: within the limit (meta is free-form)
    NegotiationModel(spec, seed=0, overrides={"meta.description": shallow}).release()
