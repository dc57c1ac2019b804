"""The distribution: one import name, a console script, and a wheel that works where Mesa users work.

A wheel is built from the checkout and installed into a fresh virtual environment (without its
dependencies, which the test's own environment lends it through a ``.pth`` line: nothing is
downloaded, and the checkout's editable install is not seen there). From an empty folder that
holds a Mesa tutorial's ``model.py`` — the layout every Mesa user has — ``bargaining-chips`` must
run and print what ``python run.py`` prints in the checkout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from bargaining_chips.experiments import run_once

ROOT = Path(__file__).resolve().parent.parent
#: The folders that hold the packages, and their import names (pyproject's package-dir).
FOLDERS = {"bargaining_chips": "bargaining_chips", "model": "bargaining_chips.model",
           "agents": "bargaining_chips.agents", "experiments": "bargaining_chips.experiments",
           "viz": "bargaining_chips.viz"}
MESA_TUTORIAL_MODEL = '''"""A Mesa tutorial's model.py, as a user's own folder has it."""
import mesa


class MoneyModel(mesa.Model):
    pass
'''


def _source_packages() -> set[str]:
    """Every package in the checkout (a folder with ``__init__.py``) by its import name."""
    out = set()
    for folder, name in FOLDERS.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder).parts
            out.add(".".join((name, *rel)))
    return out


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(ROOT)],
        check=True, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    (found,) = out.glob("bargaining_chips-*.whl")
    return found


def test_the_wheel_installs_one_import_name_with_every_package_and_the_scenarios(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"bargaining_chips"}
    packages = {n.rsplit("/", 1)[0].replace("/", ".") for n in names if n.endswith("/__init__.py")}
    assert packages == _source_packages(), "pyproject's [tool.setuptools] packages list is stale"
    assert "bargaining_chips/model/scenarios/us_japan_2025.toml" in names
    assert "bargaining_chips/model/scenarios/theory/rubinstein.toml" in names
    assert any(n.startswith("bargaining_chips/experiments/configs/") for n in names)
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "bargaining-chips = bargaining_chips.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()


def test_the_console_script_runs_from_a_folder_that_holds_a_mesa_model_py(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)  # this environment's pip installs into it (--python)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, text=True, timeout=300,
                   env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    # The dependencies (mesa, numpy, …) come from this test's environment, by a .pth line.
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "lent_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")

    user = tmp_path / "my_mesa_project"
    user.mkdir()
    (user / "model.py").write_text(MESA_TUTORIAL_MODEL)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["MPLBACKEND"] = "Agg"
    installed = subprocess.run([str(bindir / "bargaining-chips"), "run", "--seed", "3", "--json"],
                               cwd=user, env=env, capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    where = subprocess.run([str(python), "-c", "import bargaining_chips; print(bargaining_chips.__file__)"],
                           cwd=user, env=env, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(env_dir)), "the wheel's package, not the checkout's, must run"

    # What `python run.py run --seed 3 --json` prints in the checkout is run_once({}, seed=3)
    # (tests/test_cli.py checks that through a real process).
    assert json.loads(installed.stdout) == run_once({}, seed=3)
