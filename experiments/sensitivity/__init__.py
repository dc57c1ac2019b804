"""Sensitivity studies: which parameters move an outcome, and how much (Sobol', Morris, one at a
time), run through the ordinary sweep runner and analysed with SALib.

- :mod:`.study` — :func:`~.study.run_sensitivity`: the two sweeps, the analysis, the files;
- :mod:`.indices` — the analysis: point means, Sobol' and Morris indices, tornado swings;
- :mod:`.plots` — Sobol', Morris and tornado charts over those tables;
- :mod:`.toys` — test functions with known answers (Ishigami, a noisy linear model).
"""
