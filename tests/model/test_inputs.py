"""Untrusted input (model/inputs.py and the schema's limits): a shared scenario file cannot crash,
hang or mislead a run — its text, its nesting, its numbers, its display formats and its size are
checked on loading, each problem one ScenarioError naming the file and the field."""

from __future__ import annotations

import json
import tomllib

import pytest

from bargaining_chips.model import ScenarioError, load_scenario, scenario_names
from bargaining_chips.model.errors import InputFileError
from bargaining_chips.model.inputs import MAX_DEPTH, check_tree, read_toml
from bargaining_chips.model.loader import scenario_from_dict
from bargaining_chips.model.metrics import summary
from bargaining_chips.model.negotiation import NegotiationModel
from bargaining_chips.model.scenario import MAX_ACTORS, MAX_ISSUES, MAX_ROUNDS, format_problem


@pytest.mark.parametrize(
    ("tree", "field", "message"),
    [
        ({"a": float("inf")}, "a", "inf is not a finite number"),
        ({"a": {"b": [1.0, float("-inf")]}}, "a.b.1", "-inf is not a finite number"),
        ({"a": float("nan")}, "a", "nan is not a finite number"),
        ({"a": -1e308}, "a", "too large"),
        ({"a": 10**30}, "a", "too large"),
        ({"x": {"p.q": float("inf")}}, 'x."p.q"', "not a finite number"),
    ],
)
def test_numbers_must_be_finite_and_of_a_sane_size(tree, field, message):
    with pytest.raises(InputFileError) as err:
        check_tree(tree, "f.toml")
    assert err.value.field == field and message in err.value.expected
    assert str(err.value).startswith(f"f.toml: {field}: ")


def test_booleans_strings_and_ordinary_numbers_pass():
    check_tree({"a": True, "b": "inf", "c": [1, 2.5, -1e15], "d": {"e": 0}}, "f.toml")


def test_nesting_deeper_than_the_limit_is_refused_at_any_depth():
    check_tree(_nested(MAX_DEPTH), "f.toml")
    for depth in (MAX_DEPTH + 1, 100_000):  # iterative: no RecursionError however deep
        with pytest.raises(InputFileError, match="nested too deeply"):
            check_tree(_nested(depth), "f.toml")


def _nested(depth: int) -> dict:
    """A tree whose leaf lies ``depth`` levels down: {"x": [[...[1]...]]}."""
    tree: object = 1
    for _ in range(depth - 1):
        tree = [tree]
    return {"x": tree}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (bytes(range(256)), "not a UTF-8 text file"),
        ('[meta]\nname = "x"\n'.encode("utf-16"), "not a UTF-8 text file"),
        (b"x = " + b"[" * 5000 + b"]" * 5000, "nested too deeply"),
        (b"a" + b".a" * 200 + b" = 1", "nested too deeply"),
        (b"x = " + b"{a = " * 20 + b"1" + b"}" * 20, "nested too deeply"),
        (b"x = nan", "not a finite number"),
        (b"[t\nx = 1", "malformed TOML"),
    ],
)
def test_a_file_that_is_not_safe_toml_is_one_error(tmp_path, content, message):
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    with pytest.raises(InputFileError) as err:
        read_toml(path, "scenario")
    assert str(err.value).startswith(str(path)) and message in str(err.value)
    assert "\n" not in str(err.value)
    with pytest.raises(ScenarioError, match=message):  # the loader says the same, as a ScenarioError
        load_scenario(path)


@pytest.mark.parametrize(
    "fmt", ["{}", "{:g}", "{:.1f}%", "¥{:.2f}T", "${:.1f}B", "{:,.0f}", "{:.0%}", "{:.2e}",
            "{:+.1f} pp", "{{{:.3f}}}", "{:.15f}", "{:.3}"],
)
def test_the_documented_display_formats_are_safe(fmt):
    assert format_problem(fmt) is None


@pytest.mark.parametrize(
    ("fmt", "message"),
    [
        ("{0.foo}", "not a safe display format"),            # attribute access
        ("{0.__class__}", "not a safe display format"),
        ("{0[0]}", "not a safe display format"),             # index access
        ("{:>2000000000}", "not a safe display format"),     # a width: 2 GB of padding
        ("{:2000000000}", "not a safe display format"),
        ("{:.16f}", "precision 16 is above 15"),
        ("{}{}", "not a safe display format"),               # two fields
        ("{x}", "not a safe display format"),
        ("{!r}", "not a safe display format"),
        ("no field", "not a safe display format"),
        ("{:d}", "not a safe display format"),
    ],
)
def test_unsafe_display_formats_are_refused_on_loading(fixture_path, fmt, message):
    assert message in format_problem(fmt)
    with pytest.raises(ScenarioError) as err:
        load_scenario(fixture_path("bilateral"), {"issues.x.format": fmt})
    assert err.value.field == "issues.x.format" and message in err.value.expected


def test_every_bundled_scenario_uses_a_safe_format():
    for name in scenario_names():
        for issue in load_scenario(name).issues.values():
            assert issue.categorical or format_problem(issue.format) is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"actors.US.bargaining_power": float("inf")}, "actors.US.bargaining_power", "not a finite number"),
        ({"issues.auto_tariff.step": float("inf")}, "issues.auto_tariff.step", "not a finite number"),
        ({"issues.investment_fund.min": float("-inf")}, "issues.investment_fund.min", "not a finite number"),
        ({"issues.investment_fund.min": -1e308, "issues.investment_fund.max": 1e308},
         "issues.investment_fund.m", "too large"),
        ({"protocol.max_rounds": 100_000_000}, "protocol.max_rounds", f"at most {MAX_ROUNDS:,}"),
        ({"protocol.max_rounds": MAX_ROUNDS + 1}, "protocol.max_rounds", f"at most {MAX_ROUNDS:,}"),
        ({"issues.auto_tariff.step": 1000.0}, "issues.auto_tariff", "larger than the range"),
    ],
)
def test_overrides_are_held_to_the_same_limits(overrides, field, message):
    with pytest.raises(ScenarioError) as err:
        load_scenario("us_japan_2025", overrides)
    assert err.value.field.startswith(field) and message in err.value.expected
    assert "(--set " in err.value.source


def test_max_rounds_at_the_ceiling_is_allowed(fixture_path):
    assert load_scenario(fixture_path("bilateral"), {"protocol.max_rounds": MAX_ROUNDS})


def _raw(fixture_path) -> dict:
    return tomllib.loads(fixture_path("bilateral").read_text(encoding="utf-8"))


def test_too_many_issues_or_actors_is_refused(fixture_path):
    raw = _raw(fixture_path)
    issue = next(iter(raw["issues"].values()))
    many = {**raw, "issues": {f"i{k}": issue for k in range(MAX_ISSUES + 1)}}
    with pytest.raises(ScenarioError, match=f"at most {MAX_ISSUES}") as err:
        scenario_from_dict(many, "many.toml")
    assert err.value.field == "issues"
    firm = {"kind": "firm", "home": next(iter(raw["actors"])), "weights": {next(iter(raw["issues"])): 1.0},
            "prefers": {next(iter(raw["issues"])): "high"}}
    crowd = {**raw, "actors": {**raw["actors"], **{f"F{k}": firm for k in range(MAX_ACTORS)}}}
    with pytest.raises(ScenarioError, match=f"at most {MAX_ACTORS}") as err:
        scenario_from_dict(crowd, "crowd.toml")
    assert err.value.field == "actors"


def test_a_calendar_of_more_rounds_than_the_ceiling_is_refused(fixture_path):
    import datetime as dt

    raw = _raw(fixture_path)
    start = dt.date(2025, 1, 1)
    rounds = [{"date": start + dt.timedelta(days=k)} for k in range(MAX_ROUNDS + 1)]
    with pytest.raises(ScenarioError, match=f"at most {MAX_ROUNDS:,}") as err:
        scenario_from_dict({**raw, "calendar": {"rounds": rounds}}, "long.toml")
    assert err.value.field == "calendar.rounds"


def test_every_bundled_scenario_gives_a_strict_json_summary():
    for name in scenario_names():
        model = NegotiationModel(load_scenario(name), seed=1)
        model.run()
        json.dumps(summary(model), allow_nan=False)  # raises on NaN or infinity
