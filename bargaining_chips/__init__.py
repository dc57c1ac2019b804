"""Bargaining Chips: an agent-based negotiation game on Mesa.

One import name, four subpackages (each a top-level folder of the repository, mapped here by
``pyproject.toml``), whose dependencies run one way:

- :mod:`bargaining_chips.cli` — the command line (``bargaining-chips``, ``python run.py``);
- :mod:`bargaining_chips.viz` — the browser dashboard (``viz/``);
- :mod:`bargaining_chips.experiments` — runs told and drawn, sweeps, sensitivity, the theory
  checks (``experiments/``);
- :mod:`bargaining_chips.model` — the negotiation world, a ``mesa.Model`` (``model/``);
- :mod:`bargaining_chips.agents` — the governments and firms and their strategies (``agents/``),
  which see only the view the model hands them and import nothing of the model;
- :mod:`bargaining_chips.floats` — float arithmetic with the same bits on every Python and CPU.

Each layer imports only the layers below it (``[tool.importlinter]`` in ``pyproject.toml``, checked
by ``tests/test_layers.py``). Importing this package imports nothing else.
"""

__version__ = "0.1.0"
