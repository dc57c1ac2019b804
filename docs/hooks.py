"""mkdocs hook: lay the package out as it installs, for the API reference's static analysis.

The subpackages of ``bargaining_chips`` are the repository's top-level folders (``package-dir``
in pyproject.toml), so mkdocstrings cannot find ``bargaining_chips.model`` in the checkout. Before
the build, this hook builds ``build/api-src/bargaining_chips`` out of links to them (as
tests/test_layers.py does for lint-imports) and takes the checkout's root off ``sys.path``;
nothing is imported.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from mkdocs.plugins import event_priority

ROOT = Path(__file__).resolve().parents[1]
TREE = ROOT / "build" / "api-src" / "bargaining_chips"
SUBPACKAGES = ("model", "agents", "experiments", "viz")


@event_priority(100)  # before mkdocstrings' own on_config, which reads the paths it is given
def on_config(config, **kwargs):  # noqa: ANN001, ANN201 - mkdocs' hook signature
    if TREE.exists():
        shutil.rmtree(TREE)
    TREE.mkdir(parents=True)
    for path in (ROOT / "bargaining_chips").glob("*.py"):
        (TREE / path.name).symlink_to(path)
    for name in SUBPACKAGES:
        (TREE / name).symlink_to(ROOT / name, target_is_directory=True)
    # The checkout's own bargaining_chips/ (on sys.path as the working folder) would shadow it.
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT]
    return config
