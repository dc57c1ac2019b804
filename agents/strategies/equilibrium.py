"""Equilibrium strategies: the play that bargaining theory proves optimal, for the theory scenarios.

Each strategy computes its offers and answers from what the scenario states — the discount factors,
the horizon, the proposer rotation or recognition rule, the utilities — through its
:class:`~agents.view.NegotiationView`, and reasons on the utility frontier the view exposes
(:meth:`~agents.view.NegotiationView.offer_for`), so it plays any two-party scenario of its game,
not only the unit pie. Run on the theory scenarios, they reproduce the classic closed forms (see
``docs/theory.md`` and ``python run.py validate``). Each declares the games it is an equilibrium of
(:attr:`~agents.strategies.base.Strategy.games`); a scenario outside them is refused when loaded.

Conventions. Utilities of agreements are "round-k currency": an agreement in round k (0-based) is
worth δ^k times its utility, as in the summary (:func:`model.metrics.outcome_utilities`), and the
no-deal outcome is worth the reservation utility, undiscounted. A responder accepts when
indifferent (up to :data:`TOLERANCE`), the convention that makes the equilibria exist.

Outside options. The engine's alternating-offers game lets *a responder* opt out: instead of
accepting or rejecting the offer on the table it may walk away, which ends the talks with no deal;
the proposer cannot. No deal — by a walk-away, at the horizon or at a hard deadline — pays each
side its reservation r, undiscounted, whenever it comes. So a reservation is an outside option that
does not depreciate: in round k it is worth r / δ^k in that round's currency, more every round,
and once no agreement can give both sides their floors no agreement is possible at all. With some
r > 0 and δ < 1 the game therefore has an effective horizon, and its subgame-perfect equilibrium is
found by backward induction from it (:func:`outside_option_plan`); agreement is immediate. On the
unit pie, with δ common, P1 proposing first, r1 = 0 and P2's outside option b, let K be the first
round (0-based) in which δ^K < b; P2's share is

    x2 = δ (1 − δ^(2m)) / (1 + δ) + tail,   m = ⌊(K − 1) / 2⌋,
    tail = b if K is odd (P1 proposes in round K − 1), δ^(K−1) if K is even (P2 does),

which tends to Rubinstein's δ / (1 + δ) as b → 0. Binmore, Shaked & Sutton (1989) and Osborne &
Rubinstein (1990, §3.12) study the other variant, where opting out in round k pays δ^k b: there the
outside-option principle holds, x2 = max(b, δ / (1 + δ)). The two agree without discounting: with
δ = 1 (played as the limit δ → 1) P2's share is max(b, 1/2), the outside-option principle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bargaining_chips.agents.messages import Offer, Response
from bargaining_chips.agents.strategies.base import Game, Strategy, reservation_now
from bargaining_chips.floats import ordered_sum

if TYPE_CHECKING:
    from bargaining_chips.agents.view import NegotiationView

#: A responder accepts an offer worth its threshold up to this much less (indifference).
TOLERANCE = 1e-9
_BISECTIONS = 45
#: The discount factor standing in for δ = 1 in Rubinstein's game (the limit δ → 1).
PATIENT = 1.0 - 1e-6


def best_terms_giving(view: NegotiationView, proposer: int, responder: int, floor: float) -> np.ndarray:
    """The terms ``proposer`` likes best among those worth at least ``floor`` to ``responder``.

    Walks the efficient frontier by the proposer's level L (terms worth L to the proposer and as
    much as possible to the others, :meth:`NegotiationView.offer_for`): the responder's utility
    falls as L rises, so the largest L that still leaves the responder ``floor`` is found by
    bisection. If no terms give the responder ``floor``, the responder's best terms.
    """
    lowest = view.offer_for(proposer, 0.0)
    if view.utility_of(responder, lowest) < floor:
        return lowest
    highest = view.offer_for(proposer, 1.0)
    if view.utility_of(responder, highest) >= floor:
        return highest
    lo, hi, best = 0.0, 1.0, lowest
    for _ in range(_BISECTIONS):
        mid = 0.5 * (lo + hi)
        terms = view.offer_for(proposer, mid)
        if view.utility_of(responder, terms) >= floor:
            lo, best = mid, terms
        else:
            hi = mid
    return best


#: Alternating offers between two governments: Rubinstein's and Ståhl's game.
BILATERAL = Game("alternating", governments=2)


def _at_least_reservation(view: NegotiationView, terms: np.ndarray) -> np.ndarray:
    """An equilibrium proposal, unless it is worth less than the proposer's discounted floor
    r / δ^k (:func:`~agents.strategies.base.reservation_now`): then the efficient terms worth the
    floor (a negotiator never offers what it would rather not sign). Where no deal is worth 0, as
    in most theory scenarios, this never binds."""
    floor = reservation_now(view)
    if view.utility(terms) >= floor - TOLERANCE:
        return terms
    return view.offer_at(min(floor, 1.0))


def _floor_of(view: NegotiationView, actor: int, round_index: int) -> float:
    """Actor ``actor``'s discounted floor r / δ^k in round ``round_index``."""
    r, delta = view.reservation_of(actor), view.discount_of(actor)
    if delta == 1.0 or r == 0.0:
        return r
    return _undiscounted(r, delta**round_index)


def has_outside_options(view: NegotiationView) -> bool:
    """Whether a reservation acts as a growing outside option: some government at the table has
    r > 0 and δ < 1 (then the game has an effective horizon, see the module docstring)."""
    return any(
        view.reservation_of(g) > 0.0 and view.discount_of(g) < 1.0 for g in view.governments
    )


@dataclass(frozen=True)
class Step:
    """One round of an equilibrium plan: the responder's threshold (in the round's currency: the
    least undiscounted utility it accepts), the proposal, and whether the responder walks away from
    an offer below the threshold (rejecting gains it nothing over no deal)."""

    threshold: float
    proposal: np.ndarray
    walks: bool


def effective_horizon(view: NegotiationView, cap: int) -> int:
    """The last round (0-based, at most ``cap``) in which some agreement gives both governments
    their discounted floors r / δ^k; −1 if none does. The floors rise every round, so the rounds
    that admit an agreement are the first few."""
    for k in range(cap + 1):
        p = view.proposer_at(k)
        q = next(g for g in view.governments if g != p)
        need_p, need_q = _floor_of(view, p, k), _floor_of(view, q, k)
        if need_p > 1.0 or need_q > 1.0:
            return k - 1
        if view.utility_of(q, view.offer_for(p, need_p)) < need_q - TOLERANCE:
            return k - 1
    return cap


def outside_option_plan(view: NegotiationView, last: int) -> dict[int, Step]:
    """The subgame-perfect plan of two-party alternating offers in which a responder may opt out,
    no deal pays each side its reservation r undiscounted, and no round follows ``last``.

    Backward induction in round-0 currency: V_i(last + 1) = r_i. In round k the proposer p makes
    the responder q an offer worth exactly what q can get otherwise, T_q = max(r_q, V_q(k + 1))
    (walk away or reject), i.e. q's threshold T_q / δ_q^k, keeping the rest, unless p does better
    by letting the round pass (its alternative: r_p if q would then walk away, else V_p(k + 1)).
    The proposer never offers what leaves it below its own floor; q walks away from a refused
    offer when rejecting is worth no more than no deal.
    """
    a, b = view.governments
    value = {a: view.reservation_of(a), b: view.reservation_of(b)}
    plan: dict[int, Step] = {}
    for k in range(last, -1, -1):
        p = view.proposer_at(k)
        q = b if p == a else a
        r_p, r_q = view.reservation_of(p), view.reservation_of(q)
        d_p, d_q = view.discount_of(p) ** k, view.discount_of(q) ** k
        walks = r_q >= value[q] - TOLERANCE
        target = max(r_q, value[q])
        threshold = _undiscounted(target, d_q)
        alternative = r_p if walks else value[p]
        terms = best_terms_giving(view, p, q, threshold)
        mine = d_p * view.utility_of(p, terms)
        if threshold <= 1.0 and view.utility_of(q, terms) >= threshold - TOLERANCE \
                and mine >= alternative - TOLERANCE:
            value = {p: mine, q: d_q * view.utility_of(q, terms)}
        else:  # no agreement this round: p asks for its best terms, q refuses
            terms = view.offer_for(p, 1.0)
            value = {p: alternative, q: target}
        plan[k] = Step(threshold, terms, walks)
    return plan


def _answer(view: NegotiationView, offer: Offer, threshold: float, walks: bool = False) -> Response:
    if view.utility(offer.terms) >= threshold - TOLERANCE:
        return Response.ACCEPT
    return Response.WALK_AWAY if walks else Response.REJECT


def _reservations(view: NegotiationView) -> tuple[float, ...]:
    """Every government's reservation now: part of a cache key, since dated events can move them."""
    return tuple(view.reservation_of(g) for g in view.governments)


class _Planner:
    """The backward-induction plan of a two-party game with outside options, per weights and
    horizon (:func:`outside_option_plan`), with what a round past the plan means: nothing can be
    agreed any more, so a responder walks away and a proposer asks for its best terms."""

    def __init__(self) -> None:
        self._cache: dict[tuple[bytes, int, tuple[float, ...]], dict[int, Step]] = {}

    def step(self, view: NegotiationView, cap: int) -> Step:
        key = (view.weights_key, cap, _reservations(view))
        if key not in self._cache:
            last = min(effective_horizon(view, cap) + 1, cap)
            self._cache[key] = outside_option_plan(view, max(last, 0))
        plan = self._cache[key]
        k = view.round_index
        if k in plan:
            return plan[k]
        return Step(reservation_now(view), view.offer_at(1.0), True)


class Rubinstein(Strategy):
    """Rubinstein's (1982) subgame-perfect strategy for infinite-horizon alternating offers.

    Rubinstein, "Perfect equilibrium in a bargaining model", Econometrica 50(1). In the unique
    subgame-perfect equilibrium each side, when it proposes, offers the other exactly what the
    other would get by rejecting — the discounted value of being the next proposer — and accepts any
    offer worth at least that. The proposers' values V_a, V_b solve the stationary equations

        V_a = f_a(δ_b · V_b),      V_b = f_b(δ_a · V_a),

    where f_a(u) is a's best utility on the frontier when b gets u. The strategy solves them on the
    scenario's frontier by bisection (the composed map is a contraction of modulus δ_a δ_b). On the
    unit pie, f_a(u) = 1 − u and a's share is x* = (1 − δ_b) / (1 − δ_a δ_b): agreement in the first
    round. The infinite horizon is the model's assumption: the scenario's ``max_rounds`` only caps
    the simulation and never binds in equilibrium. Without discounting (δ_a δ_b = 1) every split is
    an equilibrium; the strategy then plays the limit δ → 1, where the equilibrium tends to the
    Nash solution (Binmore, Rubinstein & Wolinsky 1986), computed at δ = :data:`PATIENT`.

    Reservations are outside options a responder takes by walking away (see the module
    docstring). Where they do not grow (r = 0, or δ = 1) the game stays stationary and each
    threshold becomes max(r, δ · V): without discounting this is the outside-option principle of
    Binmore, Shaked & Sutton (1989), P2's share max(b, 1/2) on the unit pie. Where some r > 0 and
    δ < 1 the no-deal value grows in each round's currency, the game has an effective horizon,
    and the strategy plays its backward-induction equilibrium (:func:`outside_option_plan`),
    still agreeing at once. A responder never accepts less than its discounted floor r / δ^k.
    """

    name = "rubinstein"
    games = (BILATERAL,)

    def __init__(self) -> None:
        self._cache: dict[tuple[bytes, tuple[float, ...]], tuple[float, float]] = {}
        self._planner = _Planner()

    def proposer_values(self, view: NegotiationView) -> tuple[float, float]:
        """(V_me, V_other): each side's utility of its own equilibrium proposal."""
        key = (view.weights_key, _reservations(view))
        if key not in self._cache:
            me, other = view.actor, view.opponents[0]
            d_me, d_other = view.discount, view.discount_of(other)
            r_me, r_other = view.reservation, view.reservation_of(other)
            if d_me * d_other > PATIENT:  # no discounting: play the limit δ → 1 (see above)
                d_me = d_other = PATIENT

            def theirs(v_me: float) -> float:
                floor = max(r_me, d_me * v_me)
                return view.utility_of(other, best_terms_giving(view, other, me, floor))

            def mine(v_me: float) -> float:
                floor = max(r_other, d_other * theirs(v_me))
                return view.utility(best_terms_giving(view, me, other, floor))

            lo, hi = 0.0, 1.0  # mine(v) − v falls in v, from ≥ 0 at 0 to ≤ 0 at 1
            for _ in range(_BISECTIONS):
                mid = 0.5 * (lo + hi)
                if mine(mid) >= mid:
                    lo = mid
                else:
                    hi = mid
            self._cache[key] = (lo, theirs(lo))
        return self._cache[key]

    def propose(self, view: NegotiationView) -> np.ndarray:
        if has_outside_options(view):
            return _at_least_reservation(view, self._planner.step(view, view.last_round_index).proposal.copy())
        other = view.opponents[0]
        _, v_other = self.proposer_values(view)
        floor = max(view.reservation_of(other), view.discount_of(other) * v_other)
        terms = best_terms_giving(view, view.actor, other, floor)
        return _at_least_reservation(view, terms)

    def acceptance_threshold(self, view: NegotiationView, offer: Offer) -> float:
        """The discounted value of proposing next round, δ · V_me, at least the outside option
        (with growing outside options: the plan's threshold for this round)."""
        if has_outside_options(view):
            return max(reservation_now(view), self._planner.step(view, view.last_round_index).threshold)
        return max(view.reservation, min(view.discount, PATIENT) * self.proposer_values(view)[0])

    def respond(self, view: NegotiationView, offer: Offer) -> Response:
        walks = has_outside_options(view) and self._planner.step(view, view.last_round_index).walks
        return _answer(view, offer, self.acceptance_threshold(view, offer), walks)


class Stahl(Strategy):
    """Ståhl's (1972) backward induction for alternating offers with a deadline.

    Ståhl, *Bargaining Theory*, Stockholm School of Economics. The talks can last until the last
    round the scenario allows (``protocol.max_rounds`` or the first hard deadline,
    :attr:`NegotiationView.last_round_index`); after it, no deal, worth each side its reservation.
    In the last round the proposer offers the responder just its no-deal value; in every earlier
    round, just the discounted value of the agreement the responder would get one round later.
    Solving from the last round back gives each round's equilibrium terms, and the first-round
    proposal is accepted. With the unit pie, common δ and no deal worth 0, P1's share after a
    horizon of T rounds is x1(T) = (1 − (−δ)^T) / (1 + δ), which tends to Rubinstein's 1 / (1 + δ).
    Where some reservation r > 0 and δ < 1, a responder's outside option (walking away, worth r
    undiscounted) enters every round, not only the last, and the plan is
    :func:`outside_option_plan` over the horizon.
    """

    name = "stahl"
    games = (BILATERAL,)

    def __init__(self) -> None:
        self._cache: dict[tuple[bytes, int, tuple[float, ...]], dict[int, tuple[float, np.ndarray]]] = {}
        self._planner = _Planner()

    def plan(self, view: NegotiationView) -> dict[int, tuple[float, np.ndarray]]:
        """Round index → (the responder's threshold, the equilibrium proposal) for every round."""
        last = view.last_round_index
        key = (view.weights_key, last, _reservations(view))
        if key not in self._cache:
            plan: dict[int, tuple[float, np.ndarray]] = {}
            for k in range(last, -1, -1):
                proposer = view.proposer_at(k)
                responder = next(g for g in view.governments if g != proposer)
                delta = view.discount_of(responder)
                if k == last:
                    threshold = _undiscounted(view.reservation_of(responder), delta**k)
                else:
                    threshold = delta * view.utility_of(responder, plan[k + 1][1])
                plan[k] = (threshold, best_terms_giving(view, proposer, responder, threshold))
            self._cache[key] = plan
        return self._cache[key]

    def propose(self, view: NegotiationView) -> np.ndarray:
        if has_outside_options(view):
            return _at_least_reservation(view, self._planner.step(view, view.last_round_index).proposal.copy())
        return _at_least_reservation(view, self.plan(view)[view.round_index][1].copy())

    def acceptance_threshold(self, view: NegotiationView, offer: Offer) -> float:
        """What rejecting is worth now: the discounted next-round agreement, or no deal (capped
        at 1: a no-deal value beyond every agreement makes every offer unacceptable but the best).
        With growing outside options, the plan's threshold, never below the discounted floor."""
        if has_outside_options(view):
            return max(reservation_now(view), self._planner.step(view, view.last_round_index).threshold)
        return min(1.0, max(view.reservation, self.plan(view)[view.round_index][0]))

    def respond(self, view: NegotiationView, offer: Offer) -> Response:
        walks = has_outside_options(view) and self._planner.step(view, view.last_round_index).walks
        return _answer(view, offer, self.acceptance_threshold(view, offer), walks)


def _undiscounted(value: float, factor: float) -> float:
    """``value / factor``, where a discount factor δ^k that underflows to 0 over a long horizon
    (k in the thousands) leaves a no-deal value of 0 at 0 and makes any other one unreachable."""
    if factor > 0.0:
        return value / factor
    return 0.0 if value == 0.0 else math.inf


def inclusion_probabilities(costs: dict[int, float], slots: int) -> dict[int, float]:
    """The chance each member is bought into a coalition of the ``slots`` cheapest members, ties
    broken uniformly at random."""
    if slots <= 0:
        return dict.fromkeys(costs, 0.0)
    if slots >= len(costs):
        return dict.fromkeys(costs, 1.0)
    ranked = sorted(costs.values())
    cut = ranked[slots - 1]
    below = [j for j, c in costs.items() if c < cut - 1e-12]
    tied = [j for j, c in costs.items() if abs(c - cut) <= 1e-12]
    share = (slots - len(below)) / len(tied)
    return {j: 1.0 if j in below else share if j in tied else 0.0 for j in costs}


class BaronFerejohn(Strategy):
    """Baron & Ferejohn's (1989) stationary equilibrium of legislative bargaining, closed rule.

    Baron & Ferejohn, "Bargaining in legislatures", American Political Science Review 83(4).
    Under :class:`~model.protocols.MajorityRule` a recognised member proposes a division of the
    budget and a majority must approve. In a stationary equilibrium each member j has a
    continuation value v_j (its expected share before recognition); a vote costs δ_j · v_j, the
    least j accepts. The proposer buys the q − 1 cheapest votes it needs (q = votes needed; ties
    broken at random from the model's generator) at exactly that price and keeps the rest; a
    member votes yes when offered at least its price. The values solve the fixed point

        v_i = p_i · (1 − Σ_{j∈C_i} δ_j v_j) + Σ_{k≠i} p_k · P(i ∈ C_k) · δ_i v_i,

    with p the recognition probabilities (the protocol's), computed by damped iteration. With n
    members, common δ and equal recognition, v = 1/n: the proposer keeps 1 − δ(n − 1)/(2n) and
    offers δ/n to (n − 1)/2 others, and the first proposal passes. The members must share one
    discount factor: with unequal ones the equilibrium mixes over coalitions with probabilities of
    its own (Eraslan 2002), which breaking ties uniformly does not reproduce, so such a scenario is
    refused.

    Outside a division game (no ``protocol.budget``, as when a test seats it in another
    two-government game) the stationary equilibrium of alternating offers is Rubinstein's, and the
    strategy plays that (:class:`Rubinstein`).
    """

    name = "baron_ferejohn"
    games = (Game("majority", common_discount=True), BILATERAL)

    def __init__(self) -> None:
        self._cache: dict[bytes, dict[int, float]] = {}
        self._alternating = Rubinstein()

    @staticmethod
    def _division(view: NegotiationView) -> bool:
        return view.budget is not None and all(
            view.share_issue_of(g) is not None for g in view.governments
        )

    def continuation_values(self, view: NegotiationView) -> dict[int, float]:
        """Each member's stationary expected utility (its share of the budget) before a round."""
        key = view.weights_key
        if key not in self._cache:
            govs = view.governments
            p = {g: view.recognition_probability(g) for g in govs}
            delta = {g: view.discount_of(g) for g in govs}
            slots = view.votes_needed - 1
            v = dict.fromkeys(govs, 1.0 / len(govs))
            for _ in range(1_000):
                new = dict.fromkeys(govs, 0.0)
                for k in govs:
                    costs = {j: delta[j] * v[j] for j in govs if j != k}
                    bought = inclusion_probabilities(costs, slots)
                    new[k] += p[k] * (1.0 - ordered_sum(bought[j] * costs[j] for j in costs))
                    for j in costs:
                        new[j] += p[k] * bought[j] * costs[j]
                gap = max(abs(new[g] - v[g]) for g in govs)
                v = {g: 0.5 * (v[g] + new[g]) for g in govs} if gap > 1e-15 else new
                if gap <= 1e-15:
                    break
            self._cache[key] = v
        return self._cache[key]

    def propose(self, view: NegotiationView) -> np.ndarray:
        if not self._division(view):
            return self._alternating.propose(view)
        v = self.continuation_values(view)
        me = view.actor
        costs = {j: view.discount_of(j) * v[j] for j in view.governments if j != me}
        slots = view.votes_needed - 1
        bought = inclusion_probabilities(costs, slots)
        partners = [j for j, b in bought.items() if b >= 1.0]
        tied = [j for j, b in bought.items() if 0.0 < b < 1.0]
        if tied:
            picks = view.rng.choice(len(tied), size=slots - len(partners), replace=False)
            partners += [tied[int(i)] for i in sorted(picks)]
        budget = view.budget
        terms = np.zeros(len(view.issue_names))
        for j in partners:
            terms[view.share_issue_of(j)] = costs[j] * budget
        terms[view.share_issue_of(me)] = budget - ordered_sum(costs[j] * budget for j in partners)
        return terms

    def acceptance_threshold(self, view: NegotiationView, offer: Offer) -> float:
        """The price of this member's vote: δ · v, its discounted continuation value."""
        if not self._division(view):
            return self._alternating.acceptance_threshold(view, offer)
        return max(view.discount * self.continuation_values(view)[view.actor], reservation_now(view))

    def respond(self, view: NegotiationView, offer: Offer) -> Response:
        return _answer(view, offer, self.acceptance_threshold(view, offer))
