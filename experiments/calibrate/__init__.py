"""From facts to forecasts: calibrate a scenario's uncertain parameters to what was observed by a
date, and forecast the rest of the talks.

- :mod:`.facts` — dated observations (a facts file), checked against a run's records as it steps;
- :mod:`.config` — calibration configs: scenario, facts, priors (a sweep's parameter tables), method;
- :mod:`.simulate` — one draw: a run checked against the facts, the sweep's model function;
- :mod:`.run` — rejection ABC through the sweep runner: ``run_calibration(config, out)``;
- :mod:`.smc` — ABC-SMC through pyabc (the ``abc`` extra), each batch of particles a sweep;
- :mod:`.seeded` — pyabc's prior, transition and sampler drawing from one seeded Generator;
- :mod:`.forecast` — posterior marginals and the predictive after a date, beside the prior's;
- :mod:`.sbc` — simulation-based calibration of the method itself (Talts et al. 2018).
"""
