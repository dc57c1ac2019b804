"""The layers run one way, and no module of the package imports itself round a cycle.

The rule (docs: DESIGN.md, "Dependencies run one way"; STYLE.md point 13): the CLI uses viz and the
experiments, they use the model, the model builds the agents, and the agents import nothing of the
model; ``bargaining_chips.floats`` is a leaf any layer may use. Two checks:

(a) import-linter's contracts in ``pyproject.toml`` (``[tool.importlinter]``), run by
    ``lint-imports`` on a tree of links laid out as the installed package (grimp cannot follow
    ``package-dir``: it looks for the subpackages inside ``bargaining_chips/`` on disk);
(b) our own import graph, read from the source with :mod:`ast`: every import of every module,
    at module level, inside functions and under ``TYPE_CHECKING`` alike (a type-only import
    still ties two modules together). It must agree with the layers, and hold no cycle.

``python tests/test_layers.py`` prints lint-imports' report for the checkout.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
#: Import name → folder (pyproject's package-dir).
PACKAGE_DIRS: dict[str, str] = PYPROJECT["tool"]["setuptools"]["package-dir"]
CONTRACTS = {c["id"]: c for c in PYPROJECT["tool"]["importlinter"]["contracts"]}
#: The layers, highest first (the import-linter contract's own list: one definition).
LAYERS: list[str] = CONTRACTS["layers"]["layers"]
#: Modules outside the layers: the entry point sits with the CLI; the root package imports nothing.
ENTRY, TOP = "bargaining_chips.__main__", "bargaining_chips"



# -- the modules and their imports --------------------------------------------------------------
def package_modules() -> dict[str, Path]:
    """Every module of the package by its import name (a package by its ``__init__.py``)."""
    out: dict[str, Path] = {}
    for name, folder in PACKAGE_DIRS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out.setdefault(".".join((name, *parts)), path)
    return out


def _resolve(target: str, modules: dict[str, Path]) -> str | None:
    """The package module ``target`` names, or its nearest enclosing one (None: not ours)."""
    while target and target not in modules:
        target = target.rpartition(".")[0]
    return target or None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> dict[str, int]:
    """The package modules ``module`` imports, each with the line of its first import.

    As grimp counts them: ``import a.b`` imports ``a.b``; ``from a import b`` imports the module
    ``a.b`` if there is one, else ``a`` (``b`` is a name defined in ``a``).
    """
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                       for alias in node.names]
        else:
            continue
        for target in targets:
            resolved = _resolve(target, modules)
            if resolved is not None and resolved != module:
                found.setdefault(resolved, node.lineno)
    return found


def import_graph() -> nx.DiGraph:
    """Modules as nodes, an edge a → b when a imports b (``line``: where, first)."""
    modules = package_modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for module, path in modules.items():
        for target, line in imports_of(module, path, modules).items():
            graph.add_edge(module, target, line=line)
    return graph


def _short(module: str) -> str:
    return module.removeprefix("bargaining_chips.")


def _describe(graph: nx.DiGraph, cycle: list[str]) -> str:
    hops = zip(cycle, [*cycle[1:], cycle[0]], strict=True)
    return " → ".join(f"{_short(a)} (line {graph.edges[a, b]['line']})" for a, b in hops) + \
        f" → {_short(cycle[0])}"


def shortest_cycle(graph: nx.DiGraph) -> list[str] | None:
    """A shortest cycle of ``graph`` (its modules in order), or None if it has none."""
    best = None
    for component in nx.strongly_connected_components(graph):
        if len(component) < 2:
            continue
        sub = graph.subgraph(component)
        for a, b in sub.edges:
            path = nx.shortest_path(sub, b, a)  # b ⇝ a closes a → b
            if best is None or len(path) < len(best):
                best = [a, *path[:-1]]
    return best


def layer_of(module: str) -> int:
    """The module's layer, as an index into LAYERS (0: the top)."""
    if module == ENTRY:
        return 0
    if module == TOP:
        return len(LAYERS)  # below every layer: the root package imports nothing
    for rank, layer in enumerate(LAYERS):
        if module == layer or module.startswith(layer + "."):
            return rank
    raise AssertionError(f"{module} is in no layer: add it to the layers contract (pyproject.toml)")


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    return import_graph()


# -- (b) the import graph -----------------------------------------------------------------------
def test_the_graph_sees_every_kind_of_import(graph):
    """Function-level and TYPE_CHECKING imports are edges too (the reader is not blind to them)."""
    modules = set(graph)
    assert {"bargaining_chips.model.negotiation", "bargaining_chips.agents.view",
            "bargaining_chips.experiments.sweep.runner", "bargaining_chips.viz.app",
            "bargaining_chips.cli", "bargaining_chips.floats"} <= modules
    assert graph.has_edge("bargaining_chips.model.utility", "bargaining_chips.model.scenario")
    assert graph.has_edge("bargaining_chips.experiments.cli.run", "bargaining_chips.model.loader")
    assert graph.has_edge("bargaining_chips.model.view", "bargaining_chips.model.ratification")
    assert graph.has_edge("bargaining_chips.model.negotiation", "bargaining_chips.model.lobbying")


def test_every_import_runs_down_the_layers(graph):
    against = [
        f"{_short(a)} (line {graph.edges[a, b]['line']}) imports {_short(b)}"
        for a, b in graph.edges if layer_of(b) < layer_of(a)
    ]
    order = " > ".join(map(_short, LAYERS))
    assert not against, f"imports against the layers ({order}):\n" + "\n".join(against)


def test_no_import_cycle(graph):
    cycle = shortest_cycle(graph)
    assert cycle is None, f"an import cycle: {_describe(graph, cycle)}"


def test_importing_the_agents_loads_nothing_of_the_model():
    code = ("import sys, bargaining_chips.agents, bargaining_chips.agents.strategies, "
            "bargaining_chips.agents.view; "
            "print(sorted(m for m in sys.modules if m.startswith('bargaining_chips.') "
            "and not m.startswith(('bargaining_chips.agents', 'bargaining_chips.floats'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "[]"


# -- (a) import-linter --------------------------------------------------------------------------
def installed_layout(into: Path) -> Path:
    """A tree of links under ``into`` with the package laid out as installed: ``bargaining_chips/``
    holding the root package's files and a link to each subpackage's folder."""
    top = into / TOP
    top.mkdir(parents=True)
    for entry in (ROOT / PACKAGE_DIRS[TOP]).iterdir():
        if entry.suffix == ".py":
            (top / entry.name).symlink_to(entry)
    for name, folder in PACKAGE_DIRS.items():
        if name != TOP:
            (into / name.replace(".", "/")).symlink_to(ROOT / folder, target_is_directory=True)
    return into


def lint_imports(config: Path, cwd: Path) -> subprocess.CompletedProcess:
    """``lint-imports CONFIG`` run from ``cwd`` (first on the import path, so the package is read
    from there), without a cache."""
    code = ("import sys; from importlinter.cli import lint_imports; "
            "sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True, no_logo=True))")
    return subprocess.run([sys.executable, "-c", code, str(config)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_the_import_linter_contracts_are_kept(tmp_path):
    done = lint_imports(ROOT / "pyproject.toml", installed_layout(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    for contract in CONTRACTS.values():
        assert f"{contract['name']} KEPT" in done.stdout, done.stdout


def test_import_linter_sees_the_subpackages_and_reports_a_broken_contract(tmp_path):
    """A contract the package breaks on purpose (the model builds the agents) fails, naming the
    import: the tree really holds the mapped subpackages."""
    config = tmp_path / "broken.toml"
    config.write_text(
        '[tool.importlinter]\nroot_package = "bargaining_chips"\n\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "the model imports no agents"\ntype = "forbidden"\n'
        'source_modules = ["bargaining_chips.model.negotiation"]\n'
        'forbidden_modules = ["bargaining_chips.agents.actors"]\n'
    )
    done = lint_imports(config, installed_layout(tmp_path / "tree"))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "BROKEN" in done.stdout
    assert "bargaining_chips.model.negotiation -> bargaining_chips.agents.actors" in done.stdout


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        result = lint_imports(ROOT / "pyproject.toml", installed_layout(Path(tmp)))
    print(result.stdout + result.stderr, end="")
    sys.exit(result.returncode)
