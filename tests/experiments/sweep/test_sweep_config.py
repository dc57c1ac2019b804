"""Sweep configs: valid files load; every bad input is one UserError line naming the field."""

from __future__ import annotations

import pytest
from sweep_helpers import linear_config

from bargaining_chips.experiments.sweep.config import load_config, parse_config
from bargaining_chips.model.errors import UserError

BASE = {
    "levers": {"x": {"values": [0.0, 1.0]}},
}


def config(**changes):
    data = {**BASE, **changes}
    return parse_config(data, source="sweep.toml")


def test_levers_and_uncertainties_keep_their_roles_and_order():
    cfg = linear_config()
    assert list(cfg.parameters) == ["x", "z"]
    assert cfg.role("x") == "lever" and cfg.role("z") == "uncertainty"


def test_config_is_frozen():
    cfg = linear_config()
    with pytest.raises(Exception):  # noqa: B017 - pydantic's ValidationError
        cfg.replications = 3


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"levers": {"x": {"range": [1.0, 1.0]}}}, "empty range"),
        ({"levers": {"x": {"values": []}}}, "'values' is empty"),
        ({"levers": {"x": {"values": [1, "a"]}}}, "mixes types"),
        ({"levers": {"x": {"values": [1, 2], "range": [0, 1]}}}, "exactly one of"),
        ({"design": {"kind": "sobol", "samples": 100}}, "not a power of two; use 64 or 128"),
        ({"design": {"kind": "lhs"}}, "needs 'samples'"),
        ({"design": {"kind": "grid"}, "levers": {"x": {"range": [0, 1]}}}, "needs 'steps'"),
        ({"design": {"kind": "bogus"}}, "design.kind"),
        ({"replications": 0}, "replications"),
        ({"levers": {}}, "no parameters"),
        ({"constants": {"x": 1.0}}, "both swept and a constant"),
        ({"colour": "red"}, "colour"),
        ({"levers": {"x": {"range": [0, 1], "distribution": "normal"}}}, "needs 'mean' and 'sd'"),
        ({"plots": [{"kind": "p_deal", "x": "w"}]}, "'w', which is not a swept parameter"),
        ({"plots": [{"kind": "heatmap", "x": "x"}]}, "needs y, outcome"),
    ],
)
def test_bad_input_is_one_line_naming_the_file_and_field(changes, message):
    with pytest.raises(UserError) as err:
        config(**changes)
    text = str(err.value)
    assert text.startswith("sweep.toml: ")
    assert message in text
    assert "\n" not in text


def test_fingerprint_follows_the_runs_not_the_presentation():
    a = linear_config()
    assert a.fingerprint == linear_config().fingerprint
    assert a.fingerprint == linear_config(name="other", outcomes=["y"]).fingerprint
    assert a.fingerprint != linear_config(root_seed=12).fingerprint
    assert a.fingerprint != linear_config(replications=6).fingerprint


def test_load_config_reads_toml(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        'replications = 2\n[levers.x]\nvalues = [0.1, 0.2]\n'
    )
    assert load_config(path).replications == 2
    path.write_text("replications = [")
    with pytest.raises(UserError, match="malformed TOML"):
        load_config(path)
    with pytest.raises(UserError, match="no such sweep config"):
        load_config(tmp_path / "missing.toml")


def test_shipped_configs_validate(root):
    files = sorted((root / "experiments" / "configs").glob("*.toml"))
    assert len(files) >= 3
    for path in files:
        assert load_config(path).parameters


def test_the_documented_example_is_a_valid_config():
    import tomllib

    import bargaining_chips.experiments.sweep.config as module

    text = module.__doc__.split("Example::")[1].split("Bad input")[0]
    example = "\n".join(line[4:] for line in text.splitlines())
    cfg = parse_config(tomllib.loads(example))
    assert cfg.role("deadlines.G7.extension_probability") == "uncertainty"
    assert cfg.replications == 50 and cfg.design.kind == "grid"


@pytest.mark.parametrize("spec", ["subprocess:run", "bargaining_chips.experiments.single:run_once"])
def test_a_config_cannot_name_code_to_run(tmp_path, spec):
    # Any ``model`` key is refused, the harmless default included: a shared file describes a
    # study, never code (before, "subprocess:run" ran a program named by a lever).
    path = tmp_path / "shared.toml"
    path.write_text(f'model = "{spec}"\n[levers.PWNED]\nvalues = ["x"]\n')
    with pytest.raises(UserError, match=r"shared.toml: model: a sweep config cannot name code"):
        load_config(path)


def test_the_fingerprint_names_the_model_under_study():
    cfg = linear_config()
    assert cfg.fingerprint == cfg.fingerprint_for("bargaining_chips.experiments.single:run_once")
    assert cfg.fingerprint_for("a:f") != cfg.fingerprint_for("a:g")
