"""docs/tutorial.md: every command runs as written, and the story it tells is what the model does.

The commands are read from the tutorial's ``bash`` blocks (install lines excepted) and run from a
scratch folder, with the repository's paths made absolute, so ``results/`` lands in the scratch
folder. The claims the text makes about seed 0 are checked against the files the commands wrote.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "tutorial.md"


def tutorial_commands() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", TUTORIAL.read_text(encoding="utf-8"), flags=re.S)
    lines = [line.strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith(("pip ", "#"))]


def test_the_tutorial_has_the_exercise_commands():
    commands = tutorial_commands()
    assert commands[0] == "python run.py"
    assert any("--set actors.Japan.strategy.beta=" in c for c in commands)
    assert any(c.startswith("python run.py sweep") for c in commands)
    assert any(c.startswith("python run.py summarize") for c in commands)


@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("tutorial")
    env = {**os.environ, "MPLBACKEND": "Agg"}
    for command in tutorial_commands():
        args = shlex.split(command)
        assert args[:2] == ["python", "run.py"], command
        args = [sys.executable, str(ROOT / "run.py")] + [
            str(ROOT / a) if a.startswith("experiments/") else a for a in args[2:]
        ]
        done = subprocess.run(args, cwd=work, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{command}\n{done.stderr}"
    return work / "results"


def test_seed_0_keeps_to_the_public_red_line_and_settles_at_the_g7(ran):
    summary = json.loads((ran / "summary.json").read_text())
    assert summary["agreement"] and summary["agreement_round"] == 7  # the G7 summit's round
    assert summary["home_rejections"] == 0
    assert summary["terms"]["farm_access"] <= 30.0  # what JA tolerates
    text = (ran / "transcript.txt").read_text(encoding="utf-8")
    assert "Japan keeps its offer to what the Diet and the ruling coalition will ratify" in text
    assert "✓ ratified at home by the Diet and the ruling coalition" in text


def test_a_boulware_japan_misses_the_g7_target_and_settles_after_it(ran):
    summary = json.loads((ran / "boulware_japan" / "summary.json").read_text())
    assert summary["agreement"] and summary["agreement_round"] > 7  # after the summit's round
    assert summary["agreement_date"] < "2025-07-09"  # before the end of the pause
    assert summary["home_rejections"] == 0
    text = (ran / "boulware_japan" / "transcript.txt").read_text(encoding="utf-8")
    assert "⌛ G7 leaders' summit, the target, passes without a deal" in text


def test_the_sweep_wrote_its_table_and_heatmap(ran):
    deadline = ran / "deadline"
    assert (deadline / "means.csv").exists()
    assert any(p.name.startswith("heatmap") for p in (deadline / "plots").glob("*.png"))


def test_the_heatmap_reads_as_the_tutorial_says(ran):
    from bargaining_chips.experiments import load_results

    runs = load_results(ran / "deadline")
    share = runs.groupby(
        ["param.actors.Japan.strategy.beta", "param.deadlines.G7.extension_probability"]
    )["agreement_by_first_deadline"].mean()
    credible = [share[(beta, 0.0)] for beta in (0.3, 1.0, 3.0)]
    assert min(credible[1:]) > 0.5  # a credible target: linear and conceding Japans settle by it
    assert credible[0] == min(credible)  # a Boulware Japan least often
    assert share[(1.0, 1.0)] < share[(1.0, 0.0)]  # linear: less often when always extended
    extended = share[0.3][share[0.3].index > 0]
    assert max(extended) < share[(0.3, 0.0)]  # Boulware: less often at any extension than at none
    assert min(share[3.0]) >= max(extended)  # conceding: at least as often as Boulware anywhere


def forecast_figures() -> dict[str, str]:
    """The figures the tutorial's calibration section quotes, by name (``<!-- forecast:NAME -->``)."""
    text = TUTORIAL.read_text(encoding="utf-8")
    return dict(re.findall(r"<!-- forecast:([\w.]+) -->(.*?)<!-- /forecast -->", text))


def test_the_calibration_section_quotes_what_calibrate_and_forecast_wrote(ran):
    import pandas as pd

    out = ran / "may2025"
    manifest = json.loads((out / "manifest.json").read_text())
    deal = pd.read_csv(out / "forecast" / "p_deal.csv").set_index("date")
    marginals = pd.read_csv(out / "forecast" / "marginals.csv").set_index(["parameter", "sample"])
    terms = pd.read_csv(out / "forecast" / "terms.csv").set_index(["issue", "sample"])
    beta = "actors.US.strategy.beta"
    computed = {
        "draws": f"{manifest['draws']:,}", "accepted": f"{manifest['accepted']:,}",
        "acceptance": f"{manifest['acceptance_rate']:.2f}",
        "us_beta.prior": f"{marginals.loc[(beta, 'prior'), 'mean']:.2f}",
        "us_beta.posterior": f"{marginals.loc[(beta, 'posterior'), 'mean']:.2f}",
        "p_g7.posterior": f"{deal.loc['2025-06-16', 'p_posterior']:.2f}",
        "p_g7.prior": f"{deal.loc['2025-06-16', 'p_prior']:.2f}",
        "p_pause.posterior": f"{deal.loc['2025-07-09', 'p_posterior']:.2f}",
        "auto.q50": f"{terms.loc[('auto_tariff', 'posterior'), 'q50']:.1f}",
        "auto.q05": f"{terms.loc[('auto_tariff', 'posterior'), 'q05']:.1f}",
        "auto.q95": f"{terms.loc[('auto_tariff', 'posterior'), 'q95']:.1f}",
    }
    assert forecast_figures() == computed
    assert manifest["ess"] == manifest["accepted"]
    facts = tomllib_load(ROOT / "experiments/configs/calibrate/us_japan_may2025_facts.toml")
    assert all(f["source"] for f in facts["facts"])
    assert max(str(f.get("date", "2025-04-16")) for f in facts["facts"]) <= "2025-05-28"
    for name in ("marginals", "pairs", "p_deal", "terms"):
        assert (out / "forecast" / f"{name}.png").exists()


def tomllib_load(path: Path) -> dict:
    import tomllib

    return tomllib.loads(path.read_text(encoding="utf-8"))
