"""The scenario schema (model/scenario.py): what validates, what does not, and how errors read.

Bad values are produced with overrides on the small bilateral fixture, which go through exactly the
validation a value written in the file would; each error must name the file, the dotted field and
what is expected.
"""

from __future__ import annotations

import datetime as dt

import pydantic
import pytest

from bargaining_chips.model import ScenarioError, load_scenario


@pytest.fixture(scope="module")
def bilateral(fixture_path):
    return fixture_path("bilateral")


@pytest.mark.parametrize(
    ("overrides", "field", "expected"),
    [
        ({"actors.A.weights.x": 1.5}, "actors.A.weights", "weights must lie in [0, 1]"),
        ({"actors.A.weights.x": -0.1}, "actors.A.weights", "weights must lie in [0, 1]"),
        ({"actors.A.weights.x": "heavy"}, "actors.A.weights.x", "number"),
        ({"actors.A.weights.w": 0.2}, "actors.A.weights.w", "unknown issue; expected one of x, y, z"),
        ({"actors.A.prefers.x": "sideways"}, "actors.A.prefers.x", "'high' or 'low'"),
        ({"actors.A.curvature": {"x": 0.0}}, "actors.A.curvature", "(0, 10]"),
        ({"actors.A.kind": "party"}, "actors.A.kind", "'government' or 'firm'"),
        ({"actors.A.colour": "blue"}, "actors.A.colour", "unknown field"),
        ({"actors.A.reservation": 1.2}, "actors.A.reservation", "less than or equal to 1"),
        ({"actors.A.discount": 0.0}, "actors.A.discount", "greater than 0"),
        ({"actors.A.home": "B"}, "actors.A.home", "only firms have a home government"),
        ({"actors.A.strategy.name": "bluff"}, "actors.A.strategy.name", "unknown strategy 'bluff'"),
        ({"actors.A.strategy.gamma": 1.0}, "actors.A.strategy.gamma", "not a parameter of boulware"),
        ({"actors.A.strategy.beta": 0.0}, "actors.A.strategy.beta", "out of range"),
        ({"actors.A.strategy.beta": "fast"}, "actors.A.strategy.beta", "expected a number"),
        ({"actors.A.strategy.floor": 0.9, "actors.A.strategy.start": 0.5},
         "actors.A.strategy.floor", "above start"),
        ({"actors.A.deadline_belief": "G20"}, "actors.A.deadline_belief", "unknown deadline 'G20'"),
        ({"actors.B.kind": "firm", "actors.B.home": "A"}, "actors", "at least two actors"),
        ({"issues.x.max": -1.0}, "issues.x", "max (-1) must be greater than min (0)"),
        ({"issues.x.no_deal": 11.0}, "issues.x", "no_deal (11) must lie in [min, max]"),
        ({"issues.x.format": "{:d}"}, "issues.x.format", "not a safe display format"),
        ({"issues.x.step": 0.0}, "issues.x.step", "greater than 0"),
        ({"issues.x.step": 5e-324}, "issues.x", "more than 100,000 values; give a step of at least"),
        ({"deadlines.end.round": 0}, "deadlines.end.round", "greater than or equal to 1"),
        ({"deadlines.end.kind": "firm"}, "deadlines.end.kind", "'soft' or 'hard'"),
        ({"deadlines.end.extension_probability": 1.5},
         "deadlines.end.extension_probability", "less than or equal to 1"),
        ({"deadlines.end.date": dt.date(2025, 1, 1)}, "deadlines.end", "exactly one of date or round"),
        ({"protocol.order": ["A", "C"]}, "protocol.order.1", "'C' is not a government"),
        ({"protocol.max_rounds": 0}, "protocol.max_rounds", "greater than or equal to 1"),
        ({"protocol.type": "auction"}, "protocol.type", "'alternating'"),
    ],
)
def test_bad_values_name_the_file_the_field_and_what_is_expected(bilateral, overrides, field, expected):
    with pytest.raises(ScenarioError) as err:
        load_scenario(bilateral, overrides)
    assert err.value.field == field
    assert expected in err.value.expected
    assert str(bilateral) in err.value.source
    assert str(err.value) == f"{err.value.source}: {field}: {err.value.expected}"
    assert "\n" not in str(err.value)


def test_the_override_that_introduced_a_bad_value_is_named(bilateral):
    with pytest.raises(ScenarioError) as err:
        load_scenario(bilateral, {"actors.A.strategy.beta": -1})
    assert err.value.source == f"{bilateral} (--set actors.A.strategy.beta)"


def test_a_weighted_issue_needs_a_direction(tmp_path, bilateral):
    text = bilateral.read_text().replace('[actors.A.prefers]\nx = "high"\n', "[actors.A.prefers]\n")
    path = tmp_path / "s.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert err.value.field == "actors.A.prefers.x"
    assert '"high" or "low"' in err.value.expected


def test_a_firm_needs_a_government_for_home(fixture_path):
    with pytest.raises(ScenarioError) as err:
        load_scenario(fixture_path("lobbying"), {"actors.F1.home": "F2"})
    assert err.value.field == "actors.F1.home"
    assert "expected one of G, H" in err.value.expected


def test_a_dated_deadline_before_the_first_round_is_refused():
    with pytest.raises(ScenarioError) as err:
        load_scenario("us_japan_2025", {"deadlines.G7.date": dt.date(2025, 4, 1)})
    assert err.value.field == "deadlines.G7.date"
    assert "before the first round (2025-04-16)" in err.value.expected


def test_rounds_must_be_in_date_order():
    with pytest.raises(ScenarioError) as err:
        load_scenario("us_japan_2025", {"calendar.rounds.1.date": dt.date(2025, 4, 1)})
    assert err.value.field == "calendar.rounds"
    assert "date order" in err.value.expected


def test_an_undated_scenario_needs_round_deadlines(bilateral):
    with pytest.raises(ScenarioError) as err:
        load_scenario(bilateral, {"deadlines.end": {"kind": "hard", "date": dt.date(2025, 6, 1)}})
    assert err.value.field == "deadlines.end.date"


def test_a_scenario_needs_rounds_from_a_calendar_or_max_rounds(tmp_path, bilateral):
    path = tmp_path / "s.toml"
    path.write_text(bilateral.read_text().replace("max_rounds = 10\n", ""))
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert err.value.field == "calendar.rounds"


def test_the_loaded_scenario_is_frozen(bilateral):
    spec = load_scenario(bilateral)
    with pytest.raises(pydantic.ValidationError):
        spec.protocol = None
    with pytest.raises(pydantic.ValidationError):
        spec.actors["A"].reservation = 0.9
    with pytest.raises(pydantic.ValidationError):
        spec.issues["x"].max = 3.0


def test_names_and_derived_views(bilateral):
    spec = load_scenario(bilateral)
    assert spec.name == "bilateral"
    assert spec.issue_names == ("x", "y", "z")
    assert spec.governments == ("A", "B")
    assert spec.firms == ()
    assert spec.actors["A"].strategy.params == {}
    assert load_scenario(bilateral, {"actors.A.strategy.beta": 0.5}).actors["A"].strategy.params == {
        "beta": 0.5
    }
    assert spec.issues["x"].render(2.5) == "2.5%"


def test_the_default_scenario_cites_a_source_for_every_table():
    """Every issue and actor of the bundled scenario is covered by a [sources] entry (by a dotted
    path or a prefix of it)."""
    spec = load_scenario("us_japan_2025")
    keys = list(spec.sources)

    def cited(path: str) -> bool:
        return any(path == k or path.startswith(k + ".") or k.startswith(path + ".") for k in keys)

    for issue in spec.issues:
        assert cited(f"issues.{issue}"), issue
    for actor in spec.actors:
        assert cited(f"actors.{actor}"), actor
    for i in range(len(spec.calendar.rounds)):
        assert cited(f"calendar.rounds.{i}"), i
    for name in spec.deadlines:
        assert cited(f"deadlines.{name}"), name


def test_an_undated_deadline_past_the_last_round_is_refused(bilateral):
    with pytest.raises(ScenarioError) as err:
        load_scenario(bilateral, {"deadlines.end": {"kind": "hard", "round": 50}})
    assert err.value.field == "deadlines.end.round"
    assert "talks have 10 rounds" in err.value.expected


_MONTHS = {m: i for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)}


def test_the_default_scenario_uses_only_facts_public_by_its_date():
    """Every dated fact the default scenario cites was public by ``meta.as_of`` (28 May 2025, the
    seed article's date), every ``facts.*`` entry names where it was reported, and every other
    entry cites a fact, the design's calibration facts, or says it is an assumption."""
    import datetime as dt
    import re

    spec = load_scenario("us_japan_2025")
    as_of = dt.date.fromisoformat(str(spec.meta["as_of"]))
    assert as_of == dt.date(2025, 5, 28)
    day_month = re.compile(r"\b(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* (\d{4})")
    facts = {k for k in spec.sources if k.startswith("facts.")}
    assert len(facts) >= 10
    for key, text in spec.sources.items():
        if key.startswith("facts."):
            assert "http" in text or "seed article" in text.lower() or "Constitution" in text, key
            for day, month, year in day_month.findall(text):
                when = dt.date(int(year), _MONTHS[month], int(day))
                assert when <= as_of, f"{key} cites a fact dated {when}, after {as_of}"
        else:
            cited = [f for f in re.findall(r"facts\.[a-z_]+", text)]
            assert all(f in facts for f in cited), (key, cited)
            assert cited or "assumption" in text or "DESIGN.md" in text, key
