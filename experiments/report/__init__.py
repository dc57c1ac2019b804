"""One run told and drawn: the dated transcript, the files a run writes and the plots of one run.

- :mod:`.transcript` — the words: the round-by-round transcript and the summary table;
- :mod:`.run_files` — the files of a run in the output folder (summary, tables, graphs, plots);
- :mod:`.output` — writing a file atomically (complete or absent, never half-written);
- :mod:`.plots` — the negotiation dance and the offers in utility space;
- :mod:`.coalition_plots` — the coalition network and membership over the rounds.

The command line's ``run``, the dashboard (``viz``) and the files all read from here, so a run is
told the same way everywhere.
"""
