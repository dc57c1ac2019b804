"""Bad input in the two-level tables (model/scenario_two_level.py): one clear line naming the file
and the field, exit status 2 from the command line."""

from __future__ import annotations

import pytest

from bargaining_chips.cli import main
from bargaining_chips.model import ScenarioError, load_scenario

BAD = [
    ("actors.Japan.ratification.weights.Nobody", 0.1,
     "'Nobody' is not a domestic actor of Japan"),
    ("actors.US.ratification.weights.Toyota", 0.2, "'Toyota' is not a domestic actor of US"),
    ("actors.Toyota.home", "Korea", "'Korea' is not a government"),
    ("actors.Japan.ratification.threshold", 1.5, "less than or equal to 1"),
    ("actors.Japan.ratification.threshold", -0.1, "greater than or equal to 0"),
    ("events.upper_house_election.threshold", 2.0, "less than or equal to 1"),
    ("actors.SoftBank.pledges.0.issue", "steel", "unknown issue 'steel'"),
    ("actors.NVIDIA.pledges.0.government", "Korea", "'Korea' is not a government"),
    ("actors.NVIDIA.pledges.0.share", 1.2, "less than or equal to 1"),
    ("events.upper_house_election.government", "US", "US has no ratification table"),
    ("coalitions.edge_threshold", 1.5, "less than or equal to 1"),
    ("coalitions.issue_weight", -1, "greater than or equal to 0"),
    ("coalitions.plot_rounds", [3, 40], "the calendar has 10 rounds"),
]


@pytest.mark.parametrize(("path", "value", "message"), BAD)
def test_bad_values_name_the_field(path, value, message):
    overrides = {path: value}
    if path == "events.upper_house_election.government":
        overrides["actors.US.ratification"] = None  # a government without a ratification table
    with pytest.raises(ScenarioError) as err:
        load_scenario("us_japan_2025", overrides)
    assert message in str(err.value)
    assert "us_japan_2025.toml" in err.value.source
    assert err.value.field.startswith(path.rsplit(".", 1)[0].removesuffix(".0"))


def test_a_bad_file_names_the_file_and_the_field(tmp_path, fixture_path):
    text = fixture_path("two_level").read_text().replace(
        "weights = { G = 0.5, F1 = 0.25, F2 = 0.25 }", "weights = { G = 0.5, F9 = 0.5 }"
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(bad)
    assert str(err.value).startswith(f"{bad}: actors.G.ratification.weights.F9: 'F9' is not")


@pytest.mark.parametrize(
    "assignment",
    ["actors.Japan.ratification.weights.Nobody=0.1", "actors.Toyota.home=Korea",
     "actors.Japan.ratification.threshold=1.5", "actors.SoftBank.pledges.0.issue=steel"],
)
def test_the_command_line_prints_one_line_and_exits_2(tmp_path, monkeypatch, capsys, assignment):
    # through the command line's main() in this process: tests/test_cli.py checks that a real
    # process prints such an error the same way
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--json", "--set", assignment]) == 2
    done = capsys.readouterr()
    assert done.out == ""
    assert list(tmp_path.iterdir()) == []  # no results folder
    lines = done.err.strip().splitlines()
    assert len(lines) == 1
    field = assignment.split("=")[0]
    assert lines[0].startswith("error: ") and "us_japan_2025.toml" in lines[0] and field in lines[0]
