"""Validation against bargaining theory: every case passes at its example values, the table and
the command report failures, and the deadline-effect plot is drawn from its table."""

from __future__ import annotations

import json
import math

import matplotlib
import pytest

matplotlib.use("Agg")

import run  # noqa: E402
from bargaining_chips.experiments.theory import plots as theory_plots  # noqa: E402
from bargaining_chips.experiments.theory import validation  # noqa: E402
from bargaining_chips.experiments.theory.validation import Check  # noqa: E402


@pytest.fixture(scope="module")
def checks() -> list[Check]:
    return validation.all_checks()


def test_the_closed_forms_at_the_textbook_values():
    assert [round(validation.stahl_share(0.9, t), 4) for t in range(1, 7)] == \
        [1.0, 0.1, 0.91, 0.181, 0.8371, 0.2466]
    assert [round(validation.rubinstein_share(*d), 4) for d in ((0.9, 0.9), (0.9, 0.8), (0.8, 0.9))] == \
        [0.5263, 0.7143, 0.3571]
    assert round(validation.outside_option_share(0.9, 0.3), 4) == 0.6223  # K = 12
    assert round(validation.outside_option_share(0.9, 0.6), 4) == 0.7629  # K = 5
    assert validation.outside_option_share(0.9, 0.85) == pytest.approx(0.9)  # K = 2: P2 last, takes all
    assert validation.outside_option_share(0.9, 0.95) == pytest.approx(0.95)  # K = 1: b itself
    assert validation.outside_option_share(0.9, 1e-9) == pytest.approx(0.9 / 1.9, abs=1e-6)
    assert validation.outside_option_principle(0.3, 0.5) == 0.5
    assert validation.outside_option_principle(0.6, 0.5) == 0.6
    assert validation.baron_ferejohn_proposer_share(3, 0.9) == pytest.approx(0.70)
    assert validation.baron_ferejohn_proposer_share(5, 0.9) == pytest.approx(0.64)


def test_every_case_passes_at_its_example_values(checks):
    failed = [c.row() for c in checks if not c.passed]
    assert not failed
    cases = {c.case for c in checks}
    assert {"Rubinstein 1982", "Outside option (no deal undiscounted)", "Binmore–Shaked–Sutton 1989",
            "Ståhl 1972", "Nash 1950", "Kalai–Smorodinsky 1975", "Zeuthen 1930",
            "Harsanyi 1956", "Faratin et al. 1998", "Baron–Ferejohn 1989", "Roth et al. 1988"} <= cases
    assert sum(c.case == "Ståhl 1972" and c.kind == "close" for c in checks) == 6
    outside = [c for c in checks if c.case.startswith(("Outside option", "Binmore")) and c.kind == "close"]
    assert [c.quantity.split(",")[1].strip() for c in outside] == ["b = 0.3", "b = 0.3", "b = 0.6", "b = 0.6"]


def test_checks_fail_when_the_simulation_disagrees():
    assert not Check("x", "q", 0.5, 0.502).passed
    assert Check("x", "q", 0.5, 0.5009).passed
    assert not Check("x", "q", 0.5, None).passed
    assert not Check("x", "q", "C", "D", None, "equal").passed
    assert not Check("x", "q", 0.9, 0.89, None, "at least").passed
    assert Check("x", "q", 0.9, 0.91, None, "at least").passed
    lines = validation.table_lines([Check("x", "q", 0.5, 0.6), Check("y", "r", 1, 1, None, "equal")])
    assert "FAIL" in lines[2] and "PASS" in lines[3] and lines[-1] == "1 of 2 checks pass; 1 FAIL"


def test_validate_exits_non_zero_on_a_failure(monkeypatch, capsys):
    monkeypatch.setattr(validation, "CASES", (lambda: [Check("Broken", "q", 1.0, 0.0)],))
    assert run.main(["validate"]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_validate_prints_the_table_and_writes_the_histogram(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(validation, "CASES", (validation.zeuthen_checks, validation.deadline_checks))
    monkeypatch.setattr(validation, "deadline_rounds",
                        lambda seeds: ([19, 20, 20, 18, None, 19], 20))
    assert run.main(["validate", "--plots", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Zeuthen 1930" in out and "Roth et al. 1988" in out and "PASS" in out
    assert (tmp_path / "deadline_effect.png").stat().st_size > 0


def test_the_deadline_table_counts_agreements_per_round():
    table = theory_plots.deadline_table([19, 20, 20, 18, None, 3], 20)
    assert table["agreements"].sum() == 5 and table.attrs["no_deal"] == 1
    assert table.loc[table["round"] == 20, "agreements"].item() == 2
    assert table["last_tenth"].tolist() == [False] * 18 + [True, True]
    assert validation.share_in_last_tenth([19, 20, 20, 18, None, 3], 20) == pytest.approx(3 / 5)
    ax = theory_plots.plot_deadline_histogram(table)
    assert len(ax.patches) == 20 and "60%" in ax.get_title()


def test_the_run_command_prints_the_simulated_rubinstein_result(tmp_path, capsys):
    status = run.main(["run", "--scenario", "rubinstein", "--set", "actors.P1.discount=0.95",
                       "--json", "--out", str(tmp_path)])
    result = json.loads(capsys.readouterr().out)
    assert status == 0 and result["agreement_round"] == 1
    assert result["terms"]["share"] == pytest.approx(validation.rubinstein_share(0.95, 0.9), abs=1e-3)


def test_the_solutions_command_prints_one_json_object(capsys):
    status = run.main(["solutions", "--scenario", "nash_split", "--set",
                       "actors.P2.curvature.share=0.5", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert status == 0
    assert result["nash"]["terms"]["share"] == pytest.approx(2 / 3, abs=1e-3)
    assert result["kalai_smorodinsky"]["terms"]["share"] == pytest.approx((math.sqrt(5) - 1) / 2, abs=1e-3)
    assert set(result["max_welfare"]) == {"terms", "utilities"}
    status = run.main(["solutions", "--scenario", "zeuthen"])
    assert status == 0 and "Nash               deal C" in capsys.readouterr().out
