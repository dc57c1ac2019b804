"""The sub-commands of the command line (``bargaining_chips.cli`` lists them in
``COMMAND_MODULES``). Each module exposes ``register(subparsers)``, parses arguments and calls into
the packages, importing them inside its handlers so ``--help`` stays fast.

- :mod:`.run` — ``run``: one run, its transcript, summary and files;
- :mod:`.sweep` — ``sweep``, ``summarize`` and ``sensitivity``;
- :mod:`.theory` — ``validate`` and ``solutions``.
"""
