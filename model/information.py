"""What each side knows: the governments' beliefs about one another under private information.

Under ``protocol.information = "complete"`` (the default, and the theory cases) every government
knows every other's weights, directions and reservation, and a strategy's view reads the run's
one set of preferences. Under ``"private"`` each government knows only its own utility and holds,
about each other government ``o``, a belief: an opponent model (:mod:`agents.opponents`) started
from the prior its scenario states (:mod:`model.scenario_information`) and told of every offer
``o`` makes. What the government's strategy sees of ``o`` — its utility, its reservation, the
efficient offers between them — is then read off the belief (:class:`~model.view.BeliefView`),
while every analyst's metric (Pareto distance, Nash point, welfare, the summary's utilities) keeps
using the truth.

**The belief is about the scenario's preferences.** Lobbying moves a government's weights and
reservation during the talks; the campaigns are public, so a believer applies the same move to its
estimate: believed weights now = the estimate plus the move the truth has made since the start
(clipped at 0 and renormalised), and likewise the reservation. An estimate equal to the start's
truth (to 1e-12, the rounding of a prior stated as the truth) is the truth: the believer then reads
the run's own preferences, so a point prior at the truth plays bit for bit as complete information.

**Accuracy** is recorded after every offer a belief learns from (:attr:`Beliefs.records`): Kendall
τ between the believed and the true ranking of the opponent's issues and the distance between the
weight vectors (:func:`agents.opponents.kendall_tau`, :func:`~agents.opponents.weight_distance`),
with the believed and true reservation.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bargaining_chips.agents.opponents import (
    OpponentModel,
    Prior,
    kendall_tau,
    make_opponent_model,
    weight_distance,
)
from bargaining_chips.model.scenario_information import BeliefSpec
from bargaining_chips.model.utility import Preferences, UtilitySpace

if TYPE_CHECKING:
    from bargaining_chips.agents.messages import Offer
    from bargaining_chips.model.compiled import Compiled
    from bargaining_chips.model.scenario import Scenario

#: A believed weight or reservation this close to the truth is the truth (a prior written as the
#: truth rounds to it on loading).
EXACT = 1e-12


@dataclass(frozen=True)
class BeliefRecord:
    """One government's belief about another after an offer (one row of :attr:`Beliefs.records`).

    Its accuracy, :attr:`kendall_tau` and :attr:`weight_distance`, is computed from the believed
    and true weights it keeps when first read (once): runs in a sweep or a tournament never read
    a record, and computing both at every update was a sixth of what private information added
    to a run of the synthetic 5-issue domain (computed when read, a private run there went from
    3.4x to 2.75x the time of a complete one)."""

    round_no: int
    believer: str
    about: str
    model: str
    weights: tuple[float, ...]  # believed, now (in issue order)
    true_weights: tuple[float, ...]
    reservation: float  # believed, now
    true_reservation: float

    @functools.cached_property
    def kendall_tau(self) -> float:
        """Kendall's τ-b between the believed and the true ranking of the issues (NaN: no ranking)."""
        return kendall_tau(self.weights, self.true_weights)

    @functools.cached_property
    def weight_distance(self) -> float:
        """The Euclidean distance between the believed and the true weights."""
        return weight_distance(self.weights, self.true_weights)


@dataclass
class _Belief:
    model: OpponentModel
    prior: Prior
    space: UtilitySpace  # the believer's space: the opponent's row under believed directions
    #: Whether the estimate is the start's truth (to :data:`EXACT`), weights and reservation:
    #: decided once per update, not at every read of the belief.
    exact_w: bool = False
    exact_r: bool = False
    #: The believed weights now, moved as the truth has moved since the start, and the truth's
    #: row they were moved by (its bytes): kept until the next update or move.
    moved: tuple[bytes, np.ndarray] | None = None
    seen: int = 0  # the offers it has learned from


def prior_of(belief: BeliefSpec, spec: Scenario) -> Prior:
    """The :class:`~agents.opponents.Prior` a belief table states (equal expected weights and the
    uniform Dirichlet when it gives no weights)."""
    issues = tuple(spec.issues)
    if belief.weights is None:
        w = np.full(len(issues), 1.0 / len(issues))
        concentration = 1.0 if belief.concentration is None else belief.concentration
    else:
        w = np.array([belief.weights.get(i, 0.0) for i in issues], dtype=float)
        w = w / w.sum()
        concentration = belief.concentration
    return Prior(w, concentration, belief.reservation_interval)


class Beliefs:
    """Every government's belief about every other government at the table, for one run.

    ``prefs`` and ``reservation`` are the run's true preferences and reservations (live: lobbying
    moves them); ``rng`` the run's generator (a model that samples its hypotheses draws from it
    when the run is built).
    """

    def __init__(self, spec: Scenario, setup: Compiled, prefs: Preferences,
                 reservation: np.ndarray, rng: np.random.Generator) -> None:
        self._setup = setup
        self._prefs = prefs
        self._reservation = reservation
        self._start_w = setup.start.weights
        self._start_r = setup.reservation
        self._start_lists = {o: self._start_w[o].tolist() for o in setup.governments}
        self._start_bytes = {o: self._start_w[o].tobytes() for o in setup.governments}
        names, space = setup.actor_names, setup.space
        self._pairs: dict[tuple[int, int], _Belief] = {}
        self._spaces: dict[int, UtilitySpace] = {}
        self._version = dict.fromkeys(setup.governments, 0)
        self._cache: dict[int, tuple] = {}
        self.records: list[BeliefRecord] = []
        for g in setup.governments:
            sign = space.sign.copy()
            tables = spec.actors[names[g]].beliefs
            plan = spec.actors[names[g]].strategy
            composed = plan.params.get("model") if plan is not None else None
            for o in setup.governments:
                if o == g:
                    continue
                belief = tables.get(names[o]) or BeliefSpec()
                if composed is not None:  # a BOA composition names its opponent model
                    belief = belief.model_copy(update={"model": composed})
                for issue, direction in belief.prefers.items():
                    sign[o, space.issue_names.index(issue)] = 1.0 if direction == "high" else -1.0
                prior = prior_of(belief, spec)
                model = make_opponent_model(belief.model, **belief.params)
                model.begin(prior, rng)
                if model.needs_truth:
                    model.reveal(self._start_w[o].copy(), float(self._start_r[o]))
                self._pairs[(g, o)] = pair = _Belief(model, prior, space)
                self._learned(pair, o)
                pair.seen = 0
            mine = space if np.array_equal(sign, space.sign) else dataclasses.replace(space, sign=sign)
            self._spaces[g] = mine
            for (b, _), pair in self._pairs.items():
                if b == g:
                    pair.space = mine

    def model_of(self, believer: int, about: int) -> OpponentModel:
        """The opponent model ``believer`` holds of ``about``."""
        return self._pairs[(believer, about)].model

    def version(self, believer: int) -> int:
        """How many times ``believer``'s beliefs have been updated (a key for caches)."""
        return self._version[believer]

    # -- learning -----------------------------------------------------------------------------
    def observe(self, offer: Offer, round_index: int) -> None:
        """Every other government learns from ``offer`` (made in round ``round_index``)."""
        setup = self._setup
        o = setup.index(offer.proposer)
        for g in setup.governments:
            pair = self._pairs.get((g, o))
            if pair is None:
                continue
            values = pair.space.values_of(o, offer.terms)
            pair.model.observe(values, setup.relative_time(g, round_index))
            self._learned(pair, o)
            self._version[g] += 1
            self.records.append(self._record(g, o, offer.round_no))

    def _learned(self, pair: _Belief, o: int) -> None:
        """After ``pair``'s model has changed its estimate of ``o``: is it the start's truth?"""
        exact = True  # (a loop over a few issues: np.allclose cost 0.26 ms a call)
        for a, b in zip(pair.model.weights.tolist(), self._start_lists[o], strict=True):
            if abs(a - b) > EXACT:
                exact = False
                break
        pair.exact_w = exact
        pair.exact_r = abs(pair.model.reservation - float(self._start_r[o])) <= EXACT
        pair.moved = None
        pair.seen += 1

    def _record(self, g: int, o: int, round_no: int) -> BeliefRecord:
        names = self._setup.actor_names
        w, _ = self._weights_now(g, o)
        r, _ = self._reservation_now(g, o)
        return BeliefRecord(
            round_no, names[g], names[o], self._pairs[(g, o)].model.name,
            tuple(w.tolist()), tuple(self._prefs.weights[o].tolist()), r,
            float(self._reservation[o]),
        )

    # -- what a believer reads ----------------------------------------------------------------
    def _weights_now(self, g: int, o: int) -> tuple[np.ndarray, bool]:
        """``g``'s believed weights of ``o`` now, and whether they are the truth itself."""
        pair = self._pairs[(g, o)]
        now = self._prefs.weights[o]
        if pair.exact_w:
            return now, True
        key = now.tobytes()
        if pair.moved is not None and pair.moved[0] == key:
            return pair.moved[1], False
        est = pair.model.weights
        if key == self._start_bytes[o] and min(est.tolist()) > 0.0:
            moved = est  # the truth has not moved: est + 0, clipped at 0, is est itself
        else:
            moved = np.maximum(est + (now - self._start_w[o]), 0.0)
        total = moved.sum()
        out = moved / total if total > 0 else est
        pair.moved = (key, out)
        return out, False

    def _reservation_now(self, g: int, o: int) -> tuple[float, bool]:
        now = float(self._reservation[o])
        pair = self._pairs[(g, o)]
        if pair.exact_r:
            return now, True
        est = pair.model.reservation
        return min(1.0, max(0.0, est + (now - float(self._start_r[o])))), False

    def view_of(self, g: int) -> tuple[Preferences, np.ndarray]:
        """The preferences and reservations government ``g`` plays by: its own true row and its
        beliefs about the other governments (the run's own objects when every belief is exact)."""
        prefs, reservation = self._prefs, self._reservation
        key = (self._version[g], prefs.weights.tobytes(), reservation.tobytes())
        hit = self._cache.get(g)
        if hit is not None and hit[0] == key:
            return hit[1], hit[2]
        space = self._spaces[g]
        exact = space is self._setup.space
        weights, believed_r = prefs.weights, reservation
        for o in self._setup.governments:
            if o == g:
                continue
            w, exact_w = self._weights_now(g, o)
            r, exact_r = self._reservation_now(g, o)
            if exact_w and exact_r:
                continue
            if exact:  # the first belief that is not the truth: copy the truth to edit it
                weights, believed_r = weights.copy(), reservation.copy()
                exact = False
            weights[o] = w
            believed_r[o] = r
        if exact:
            out = (prefs, reservation)
        else:
            if weights is prefs.weights:
                weights = weights.copy()
            if believed_r is reservation:
                believed_r = reservation.copy()
            believed = Preferences(space, weights)
            believed.floors = believed_r
            out = (believed, believed_r)
        self._cache[g] = (key, *out)
        return out

    def summary(self) -> dict:
        """The summary's keys under private information: each belief's final accuracy, and the
        mean Kendall τ and weight distance over the beliefs."""
        names = self._setup.actor_names
        beliefs = {}
        for (g, o), pair in self._pairs.items():
            w, _ = self._weights_now(g, o)
            r, _ = self._reservation_now(g, o)
            truth = self._prefs.weights[o]
            beliefs[f"{names[g]}->{names[o]}"] = {
                "believer": names[g], "about": names[o], "model": pair.model.name,
                "kendall_tau": _plain(kendall_tau(w, truth)),
                "weight_distance": weight_distance(w, truth),
                "reservation_error": abs(r - float(self._reservation[o])),
                "offers_seen": pair.seen,
            }
        taus = [b["kendall_tau"] for b in beliefs.values() if b["kendall_tau"] is not None]
        return {
            "information": "private",
            "beliefs": beliefs,
            "belief_kendall_tau": float(np.mean(taus)) if taus else None,
            "belief_weight_distance": float(np.mean([b["weight_distance"] for b in beliefs.values()])),
        }


def _plain(x: float) -> float | None:
    """NaN (no ranking to compare) as None, for JSON."""
    return None if x != x else float(x)
