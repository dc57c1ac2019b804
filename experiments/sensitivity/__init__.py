"""Sensitivity studies: which parameters move an outcome, and how much (Sobol', Morris, one at a
time), run through the ordinary sweep runner and analysed with SALib.

- :mod:`.study` — :func:`~.study.run_sensitivity`: the runs, the indices, the files;
- :mod:`.toys` — test functions with known answers (Ishigami, a noisy linear model).
"""
