"""The experiment tests, one folder per subpackage of ``experiments/`` (``cli``, ``report``,
``sensitivity``, ``sweep``, ``theory``).

:mod:`sweep_helpers` beside this file holds the toy configs and the worker-killing model that the
sweep, sensitivity and command tests share. pytest puts the folder of every ``conftest.py`` on
``sys.path`` (the default ``prepend`` import mode), so test modules in the sub-folders import it
by name, and worker processes — which inherit ``sys.path`` — find ``sweep_helpers.die_once`` when
a test hands it to ``run_sweep(..., model=die_once)`` (it travels to them by reference). Test files have distinct names across the whole suite, as that mode
requires of folders without ``__init__.py``.
"""
