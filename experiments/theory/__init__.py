"""The theory checks: the classic bargaining results reproduced by the model (``run.py validate``).

- :mod:`.validation` — each case's closed form, the simulated value, the tolerance, PASS/FAIL;
- :mod:`.plots` — the deadline-effect histogram.
"""
