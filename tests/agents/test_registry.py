"""The one strategy registry (agents/strategies/__init__.py), checked as Axelrod's test_names does:
names unique, every strategy class registered, every entry documented."""

from __future__ import annotations

import inspect
import subprocess
import sys
import tempfile

from bargaining_chips.agents.strategies import REGISTRY, STRATEGIES, Strategy, make_strategy


def _library_subclasses(cls: type) -> set[type]:
    """Every subclass of ``cls`` defined in the strategy library (test doubles excluded)."""
    out = set()
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("bargaining_chips.agents.strategies"):
            out.add(sub)
        out |= _library_subclasses(sub)
    return out


def test_names_are_unique_and_non_empty():
    names = [cls.name for cls in STRATEGIES]
    assert len(names) == len(set(names))
    assert all(name and name.isidentifier() and name == name.lower() for name in names)
    assert REGISTRY == {cls.name: cls for cls in STRATEGIES}


def test_every_strategy_class_is_registered():
    concrete = {c for c in _library_subclasses(Strategy) if c.name}
    assert concrete == set(STRATEGIES)
    assert "LevelStrategy" not in {c.__name__ for c in concrete}


def test_every_entry_is_documented_by_its_own_docstring():
    for cls in STRATEGIES:
        doc = cls.__dict__.get("__doc__")
        assert doc and doc.strip(), f"{cls.__name__} has no docstring of its own"
        assert inspect.getmodule(cls).__doc__, f"{cls.__module__} has no module docstring"


def test_the_expected_strategies_are_there():
    assert {"time_dependent", "boulware", "linear", "conceder", "tit_for_tat", "zeuthen",
            "hardliner", "noisy"} <= set(REGISTRY)


def test_make_strategy_builds_by_name_with_parameters():
    s = make_strategy("boulware", beta=0.1)
    assert type(s) is REGISTRY["boulware"]
    assert s.beta == 0.1
    assert type(make_strategy("zeuthen")).name == "zeuthen"


def test_the_strategy_package_imports_on_its_own():
    """Importing the strategies before the model must work (no circular import), from any folder."""
    code = ("from bargaining_chips.agents.strategies import REGISTRY; "
            "import bargaining_chips.agents; print(len(REGISTRY))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tempfile.gettempdir(), timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(len(REGISTRY))


def test_declared_games_name_protocols_the_model_plays():
    """An equilibrium strategy declares its games (Strategy.games); the heuristics play anywhere."""
    from bargaining_chips.model.protocols import PROTOCOLS

    declared = {cls.name: cls.games for cls in STRATEGIES if cls.games is not None}
    assert set(declared) == {"rubinstein", "stahl", "baron_ferejohn"}
    for name, games in declared.items():
        assert games, name
        for game in games:
            assert game.protocol in PROTOCOLS, (name, game)
            assert game.governments is None or game.governments >= 2, (name, game)
