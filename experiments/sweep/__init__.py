"""Sweeps: many seeded runs of the model over a design of parameters, stored as a tidy table.

- :mod:`.config` — the validated, frozen sweep config (TOML): model, parameters, design, seeds;
- :mod:`.design` — the runs a config asks for, each with its parameters, seed and key;
- :mod:`.options` — :class:`~.options.RunOptions`: where and how runs execute (never what);
- :mod:`.runner` — :func:`~.runner.run_sweep`: the sweep from config to a complete folder;
- :mod:`.models` — the function under study, found by name and its parameters checked;
- :mod:`.chunks` — the unit of work: running a chunk, sizing chunks, resending lost ones;
- :mod:`.backends` — where chunks run (serial, process, dask), behind one interface;
- :mod:`.store` — the output folder: Parquet parts and a manifest;
- :mod:`.summarize` — outcome means with confidence intervals per parameter point;
- :mod:`.plots` — heatmaps, distributions, P(deal) curves and the deadline effect over results.
"""
