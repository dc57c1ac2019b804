"""Sweeps: many seeded runs of the model over a design of parameters, stored as a tidy table.

- :mod:`.config` — the validated, frozen sweep config (TOML): model, parameters, design, seeds;
- :mod:`.design` — the runs a config asks for, each with its parameters, seed and key;
- :mod:`.runner` — :func:`~.runner.run_sweep`: chunked, bounded, resumable;
- :mod:`.store` — the output folder: Parquet parts and a manifest;
- :mod:`.summarize` — outcome means with confidence intervals per parameter point;
- :mod:`.plots` — heatmaps, distributions, P(deal) curves and the deadline effect over results.
"""
