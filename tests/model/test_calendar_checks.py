"""No silent settings (model/calendar_checks.py): a calendar setting that cannot act is an error
naming the file and the field; one legitimate but inert here is a one-line warning."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest

from bargaining_chips.cli import main
from bargaining_chips.model import load_scenario
from bargaining_chips.model.compiled import compile_scenario
from bargaining_chips.model.errors import ScenarioError, ScenarioWarning


@pytest.fixture(scope="module")
def path(fixture_path):
    return str(fixture_path("deadlines"))


ERRORS = [
    ({"protocol.max_rounds": 12, "calendar.cadence_days": None}, "protocol.max_rounds",
     "has no effect"),
    ({"deadlines.end.extension_days": 3, "calendar.cadence_days": 7},
     "deadlines.end.extension_days", "no round falls in the 3 days"),
    ({"deadlines.end.kind": "hard"}, "deadlines.end.", "a hard deadline never moves"),
    ({"deadlines.end.kind": "hard", "deadlines.end.extension_days": None},
     "deadlines.end.owner", "a hard deadline never moves"),
    ({"deadlines.summit.extension_days": 7}, "deadlines.summit.extension_days",
     "a target is missed, not moved"),
    ({"deadlines.summit.owner": None}, "deadlines.summit.owner", "the side that set it"),
    ({"deadlines.end.owner": "Nobody"}, "deadlines.end.owner", "unknown actor 'Nobody'"),
    ({"deadlines.end.owner": None}, "deadlines.end.owner", "needs the actor who moves it"),
    ({"deadlines.end.rule": "strategic", "deadlines.end.owner": None}, "deadlines.end.owner",
     "the strategic rule is its owner's"),
    ({"deadlines.end.cost": 0.1}, "deadlines.end.cost", "only a target has a cost"),
    ({"threats.t.issue": "tariff", "threats.t.no_deal": 60.0, "threats.t.date": dt.date(2025, 5, 1)},
     "threats.t.no_deal", "outside the issue's range"),
    ({"threats.t.issue": "rice", "threats.t.no_deal": 6.0, "threats.t.date": dt.date(2025, 5, 1)},
     "threats.t.issue", "unknown issue 'rice'"),
    ({"threats.t.issue": "tariff", "threats.t.no_deal": 40.0}, "threats.t", "exactly one of date"),
]


@pytest.mark.parametrize(("overrides", "field", "words"), ERRORS)
def test_a_setting_that_cannot_act_is_an_error_naming_the_field(path, overrides, field, words):
    with pytest.raises(ScenarioError) as err:
        load_scenario(path, overrides)
    assert err.value.field.startswith(field) and words in str(err.value)
    assert "deadlines.toml" in str(err.value)


WARNINGS = [
    ({"deadlines.end.extension_days": None, "deadlines.end.owner": None,
      "deadlines.end.extension_probability": 0.5}, "deadlines.end.extension_probability",
     "nowhere to go"),
    ({"deadlines.end.kind": "hard", "deadlines.end.owner": None, "deadlines.end.extension_days": None,
      "calendar.rounds.4.date": dt.date(2025, 6, 2)}, "calendar.cadence_days",
     "no round follows at the cadence"),
    ({"deadlines.end.margin": 0.2}, "deadlines.end.margin", "only the strategic rule"),
    ({"deadlines.end.kind": "hard", "deadlines.end.owner": None, "deadlines.end.extension_days": None,
      "deadlines.end.extension_probability": 0.3}, "deadlines.end.extension_probability",
     "a hard deadline never moves"),
    ({"deadlines.end.rule": "strategic", "deadlines.end.extension_probability": 0.5},
     "deadlines.end.extension_probability", "the strategic rule does not draw"),
    ({"threats.t.issue": "tariff", "threats.t.no_deal": 25.0,
      "threats.t.date": dt.date(2025, 5, 1)}, "threats.t.no_deal", "leaves tariff's no-deal"),
    ({"threats.t.issue": "tariff", "threats.t.no_deal": 40.0, "threats.t.date": dt.date(2025, 8, 1),
      "deadlines.end.kind": "hard", "deadlines.end.owner": None,
      "deadlines.end.extension_days": None}, "threats.t.date", "never falls due"),
]


@pytest.mark.parametrize(("overrides", "field", "words"), WARNINGS)
def test_a_legitimate_but_inert_setting_warns_once(path, overrides, field, words):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_scenario(path, overrides)
    ours = [w.message for w in caught if isinstance(w.message, ScenarioWarning)]
    assert len(ours) == 1 and ours[0].field == field and words in str(ours[0])


def test_the_default_scenario_loads_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScenarioWarning)
        load_scenario("us_japan_2025", {"meta.title": "no warning"})


def test_an_override_appends_a_dated_round(path):
    spec = load_scenario(path, {"calendar.rounds.4.date": dt.date(2025, 5, 2),
                                "calendar.rounds.4.label": "Extra"})
    rounds = compile_scenario(spec).rounds
    assert rounds[4].label == "Extra" and rounds[4].date == dt.date(2025, 5, 2)
    assert rounds[5].date == dt.date(2025, 5, 9)  # the cadence follows the appended round
    with pytest.raises(ScenarioError, match="4 appends one"):
        load_scenario(path, {"calendar.rounds.5.date": dt.date(2025, 5, 2)})


def test_the_command_line_prints_a_warning_as_one_line_and_an_error_with_status_2(
        path, fixture_path, capsys, tmp_path):
    status = main(["run", "--scenario", path, "--json", "--no-plots", "--out", str(tmp_path),
                   "--set", "deadlines.end.margin=0.25"])
    out, err = capsys.readouterr()
    assert status == 0 and out.count("\n") == 1
    assert err.count("\n") == 1 and err.startswith(f"warning: {path}: deadlines.end.margin: ")
    v1 = str(fixture_path("us_japan_2025_v1"))
    status = main(["run", "--scenario", v1, "--json", "--out", str(tmp_path / "x"),
                   "--set", "protocol.max_rounds=12"])
    out, err = capsys.readouterr()
    assert status == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"error: {v1} (--set protocol.max_rounds): protocol.max_rounds: ")
    assert not (tmp_path / "x").exists()
