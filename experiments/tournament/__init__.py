"""Tournaments: every strategy of a list meets every other, in each role, over scenarios and seeds.

In the manner of Axelrod's tournaments and the ANAC competitions: a tournament config
(:mod:`.config`) lists strategies (named strategies or BOA compositions) and scenarios; it is
played through the sweep machinery (:func:`experiments.sweep.runner.run_sweep`: the same store,
backends, resume and manifest) with one run per ordered pairing, scenario and seed
(:mod:`.match`), and read into a ranking table with confidence intervals, a pairwise score matrix
and the score distribution of each strategy (:mod:`.ranking`, :mod:`.plots`).
"""

from bargaining_chips.experiments.tournament.config import TournamentConfig, load_tournament
from bargaining_chips.experiments.tournament.ranking import pairwise_scores, ranking, scores
from bargaining_chips.experiments.tournament.run import run_tournament

__all__ = [
    "TournamentConfig", "load_tournament", "pairwise_scores", "ranking", "run_tournament", "scores",
]
