"""``check`` and ``schema`` through run.py (in process), and the spelling suggestions."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import run
from bargaining_chips.model.loader import SCENARIO_DIR, scenario_names

ROOT = Path(__file__).resolve().parents[3]
DEFAULT = SCENARIO_DIR / "us_japan_2025.toml"


def main(capsys, *argv):
    status = run.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("path", [DEFAULT, SCENARIO_DIR / "theory" / "zeuthen.toml",
                                  ROOT / "experiments/configs/deadline_credibility.toml",
                                  ROOT / "experiments/configs/morris_default.toml"])
def test_check_passes_a_good_file_in_one_line(capsys, path):
    status, out, err = main(capsys, "check", str(path))
    assert status == 0 and err == ""
    assert out.startswith(f"OK: {path}") and out.count("\n") == 1


def test_check_names_a_misspelt_key_and_the_right_one(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(DEFAULT.read_text().replace("extension_probability", "extension_probabilty", 1))
    status, out, err = main(capsys, "check", str(bad))
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and str(bad) in err
    assert "extension_probabilty" in err and "did you mean 'extension_probability'?" in err


def test_check_a_sweep_config_with_a_path_its_scenario_lacks(capsys, tmp_path):
    text = (ROOT / "experiments/configs/deadline_credibility.toml").read_text()
    bad = tmp_path / "sweep.toml"
    bad.write_text(text.replace('"actors.Japan.strategy.beta"', '"actors.Japan.strategy.bta"'))
    status, _, err = main(capsys, "check", str(bad))
    assert status == 2 and err.count("\n") == 1 and "did you mean 'beta'?" in err
    bad.write_text(text.replace("replications = 60", "replicatons = 60"))
    status, _, err = main(capsys, "check", str(bad))
    assert status == 2 and "did you mean 'replications'?" in err


def test_check_refuses_a_file_that_is_neither(capsys, tmp_path):
    other = tmp_path / "other.toml"
    other.write_text('title = "x"\n')
    status, _, err = main(capsys, "check", str(other))
    assert status == 2 and "neither a scenario" in err and err.count("\n") == 1
    status, _, err = main(capsys, "check", str(tmp_path / "missing.toml"))
    assert status == 2 and "no such file" in err


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()  # TOML dates: strings of format date in the schema
    return value


def test_schema_validates_every_bundled_scenario_and_rejects_a_typo(capsys):
    jsonschema = pytest.importorskip("jsonschema")
    from bargaining_chips.model.loader import read_toml, resolve_scenario

    status, out, _ = main(capsys, "schema")
    assert status == 0
    schema = json.loads(out)
    assert "origin" not in schema["properties"] and "actors" in schema["properties"]
    validator = jsonschema.Draft202012Validator(schema)
    for name in scenario_names():
        raw = _jsonable(read_toml(resolve_scenario(name)))
        errors = list(validator.iter_errors(raw))
        assert not errors, (name, errors[0].message)
    raw = _jsonable(read_toml(DEFAULT))
    raw["protocl"] = {}
    assert not validator.is_valid(raw)
    status, out, _ = main(capsys, "schema", "--config")
    assert status == 0 and "levers" in json.loads(out)["properties"]
