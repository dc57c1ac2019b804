"""Lobbying: how firms move their home governments, through the coalitions they are in.

Each round, before the offer is made, the coalition graph is updated on the offer on the table (see
:mod:`model.coalitions`) and every firm f pushes its home government g.

**Target.** A firm pushes towards its own priorities on the issues where it and its government want
the same direction: T_f = w_f restricted to issues with sign_f = sign_g, renormalised to sum 1. A
firm that agrees with its government on nothing cannot lobby it.

**Intensity, through the coalition.** A firm lobbies alone with η⁰_f = rate · power_f
(``protocol.lobbying_rate`` · ``lobbying_power``). Partners amplify it: a firm whose coalition C(f)
holds allies, at home or abroad, speaks for more than itself,

    B_f = Σ_{j ∈ C(f), j ≠ f} max(A_fj, 0) · power_j,      η_f = η⁰_f · (1 + κ · B_f),

with A the edge weights and κ ``coalitions.partner_boost``. NVIDIA pushing Washington with
SoftBank and LNG interests in its coalition pushes harder than NVIDIA alone. Per government the
pushes are capped: if Σ_f η_f > 1 they are scaled to sum 1.

**Weights: the government's own, bent by a bounded, fading deviation.** A government keeps
its own weights w⁰_g (the file's, pledges applied) and carries a lobbying deviation Δ_g, so that
w_g = w⁰_g + Δ_g. Each round the firms push (E_g = Σ_f η_f) and then a share δ of the deviation
fades, as their arguments are forgotten or answered:

    Δ_g ← s · (1 − δ) · [ Δ_g + Σ_f η_f · (T_f − w_g) ],

δ ``coalitions.weight_decay``; s ∈ [0, 1] is the largest factor with ½‖Δ_g‖₁ ≤ B
(``coalitions.weight_bound``: lobbying never moves more than a share B of the government's weight
away from its own). In weights: w_g ← w⁰_g + s (1 − δ) (w′_g − w⁰_g) with
w′_g = (1 − E_g) w_g + Σ_f η_f T_f, a convex combination of distributions, so w_g stays
non-negative and sums to 1 and utilities stay in [0, 1]. Firms push simultaneously, from the
weights at the start of the round, and a firm never teaches its government to want the opposite
of what it wanted.

*Fixed point.* Under constant pushes (fixed η_f and targets), write T̄ = Σ_f η_f T_f / E and
d = T̄ − w⁰. Starting from Δ = 0 the deviation stays on the ray through d, Δ = a · d with
a ← min((1 − δ)((1 − E) a + E), B / (½‖d‖₁)), an increasing map that converges to

    w* = w⁰ + min( (1 − δ) E / (δ + E − δE),  B / (½‖d‖₁) ) · (T̄ − w⁰):

the government's own weights plus a bounded deviation towards its firms. With δ = 0 and B = 1
(the defaults) the factor is 1 and w* = T̄: the unanchored rule w_g ← (1 − E) w_g + Σ_f η_f T_f,
whose fixed point is the firms' targets; the model then runs that rule's own arithmetic, so a
scenario without the two parameters plays bit for bit as before they existed. With lobbying
switched off (η = 0) the deviation decays geometrically, Δ ← (1 − δ) Δ, back to the government's
own weights.

**Reservation: judged on what the other side offers.** A firm judges the last offer made by a
government other than its home — what it can get from the talks, not its own government's
opening demand — by its stance σ_f = u_f(x_other) − r_f. A firm for that offer urges its
government to settle; one against it urges it to hold out:

    r_g ← clip(r_g − ρ · Σ_f η_f · σ_f,  r⁰_g − b,  r⁰_g + b)   (and within [0, 1]),

with ρ ``coalitions.reservation_rate`` and b ``coalitions.reservation_bound`` around the scenario's
reservation r⁰_g. Before the other side has made any offer a firm has no stance (σ_f = 0): its
government's reservation does not move on its account. A constituency that wants the same
direction as its government on an issue but more of it (car workers who want the car tariff kept,
a treasury that pays for subsidised purchases) is against an offer that gives that issue away:
its σ_f < 0 raises r_g, and its target raises g's weight on the issue, so it pulls against a
pro-deal firm's push.

**Pledges.** A firm may bear a share π of what an issue costs a government (SoftBank co-financing
the fund, NVIDIA guaranteeing supply at a discount). The government's weight on that issue is
scaled by (1 − π) and its weights renormalised, once, before the first round: conceding the issue
now costs it less, and the efficient offers of both sides (:meth:`UtilitySpace.offer_at`) give it
away sooner. Several pledges on one issue multiply: (1 − π₁)(1 − π₂).

**A person in a firm's seat** (the dashboard's classroom mode) replaces the firm's rule for a
round with a :class:`LobbyChoice`: the issue it pushes — one of the issues of its target T_f, so
T_f becomes that issue alone — or its own priorities (T_f as above), and its effort e ∈ [0, 1],
the share of its intensity it spends: η_f = e · η⁰_f · (1 + κ · B_f), before the cap. Only its home
government can be lobbied, as by the rule. A round in which no firm is seated runs the rule's
own arithmetic; a choice of (its own priorities, effort 1) is the rule's push.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bargaining_chips.floats import array_sum, ordered_sum

if TYPE_CHECKING:
    from bargaining_chips.model.scenario import Scenario
    from bargaining_chips.model.utility import UtilitySpace


@dataclass(frozen=True)
class LobbyMove:
    """One firm's push on its home government in one round."""

    round_no: int
    firm: str
    government: str
    issue: str  # the issue whose weight the push raised most
    intensity: float  # η_f (after the coalition boost and any cap)
    weight_shift: float  # weight moved by this firm, η_f · ½ Σ_i |T_fi − w_gi|
    stance: float  # u_f of the other side's last offer minus r_f (0 before the other side offered)
    boost: float = 1.0  # 1 + κ · B_f: how much its coalition partners amplified it
    reservation_shift: float = 0.0  # its share of the move of its government's reservation
    judged: tuple[int, str] | None = None  # (round, proposer) of the offer judged; None: none yet
    deviation: float = 0.0  # ½‖w_g − w⁰_g‖₁ after the round: how far g is from its own weights


@dataclass(frozen=True)
class LobbyChoice:
    """A person's lobbying for a firm in one round, in place of the firm's rule: ``issue`` the
    issue it pushes its home government on (None: its own priorities, as the rule does) and
    ``effort`` ∈ [0, 1] the share of its lobbying intensity (rate · power) it spends."""

    issue: str | None
    effort: float


@dataclass(frozen=True)
class Pledge:
    """A firm's pledge, resolved: ``share`` of ``issue``'s cost to ``government`` is the firm's."""

    firm: str
    government: str
    issue: str
    share: float
    label: str


def lobbying_target(w_firm: np.ndarray, s_firm: np.ndarray, s_gov: np.ndarray) -> np.ndarray | None:
    """The firm's weights on the issues where it and its government want the same direction."""
    agree = (s_firm == s_gov) & (s_firm != 0)
    target = np.where(agree, w_firm, 0.0)
    total = target.sum()
    return target / total if total > 0 else None


@dataclass(frozen=True, slots=True)
class LobbyRound:
    """What one round of lobbying did, as the model logs it (:meth:`Lobbying.moves` turns a log
    into :class:`LobbyMove` records when asked): the weights before and after the pushes, and per
    lobbying firm its intensity η_f, its boost, its share of the reservation's move and the offer
    it judged ((round, proposer), None before the other side offered); the actors' stances the
    pushes were judged by (0 for a firm without a judged offer)."""

    round_no: int
    before: np.ndarray
    eta: list[float]
    boost: list[float]
    shift: list[float]
    stance: np.ndarray
    judged: list[tuple[int, str] | None] | None = None
    after: np.ndarray | None = None
    targets: np.ndarray | None = None  # the round's targets where a person chose one (else the rule's)


def pledged_weights(spec: Scenario, space: UtilitySpace,
                    names: tuple[str, ...]) -> tuple[np.ndarray, tuple[Pledge, ...]]:
    """The actors' starting weights with every pledge applied, and the pledges resolved."""
    weights = space.weights.copy()
    pledges = []
    for name, actor in spec.actors.items():
        for p in actor.pledges:
            gov = p.government or actor.home
            pledges.append(Pledge(name, gov, p.issue, p.share, p.label))
            g, i = names.index(gov), space.issue_names.index(p.issue)
            weights[g, i] *= 1.0 - p.share
    for g in {names.index(p.government) for p in pledges}:
        total = weights[g].sum()
        if total > 0:
            weights[g] /= total
        else:
            weights[g] = space.weights[g]
    return weights, tuple(pledges)


class Lobbying:
    """The lobbying dynamics of one scenario, vectorised over firms (built when the scenario is
    compiled: ``firms`` and ``home`` index the actors ``names``, ``power`` is their lobbying
    power and ``reservation`` their reservation utilities)."""

    def __init__(self, spec: Scenario, space: UtilitySpace, names: tuple[str, ...],
                 firms_of: tuple[int, ...], home: tuple[int, ...], power: np.ndarray,
                 reservation: np.ndarray) -> None:
        params = spec.coalitions
        rate = spec.protocol.lobbying_rate
        firms, homes, targets, intensity = [], [], [], []
        for f in firms_of:
            g = home[f]
            target = lobbying_target(space.weights[f], space.sign[f], space.sign[g])
            if target is None or rate * power[f] <= 0:
                continue
            firms.append(f)
            homes.append(g)
            targets.append(target)
            intensity.append(rate * power[f])
        self.firms = np.array(firms, dtype=int)
        self.homes = np.array(homes, dtype=int)
        self.targets = np.array(targets).reshape(len(firms), len(space.issue_names))
        self.intensity = np.array(intensity)
        self.governments = sorted(set(homes))
        self._mine = {
            g: (ks, self.targets[ks]) for g in self.governments
            for ks in [[k for k, h in enumerate(homes) if h == g]]
        }
        self.power = np.asarray(power, dtype=float)
        self.boost = params.partner_boost
        self.reservation_rate = params.reservation_rate
        self.reservation_bound = params.reservation_bound
        self._set_reservation(reservation)
        self.initial_weights, self.pledges = pledged_weights(spec, space, names)
        self.weight_bound, self.weight_decay = params.weight_bound, params.weight_decay
        # B = 1, δ = 0: the unanchored rule's own arithmetic (bit for bit as before the anchor).
        self.anchored = self.weight_bound < 1.0 or self.weight_decay > 0.0
        self.names, self.issue_names = names, space.issue_names
        # Plain-Python copies for the per-round update.
        self._firm_list, self._home_list = list(firms), list(homes)
        self._gov_list = list(self.governments)
        self._intensity_list = self.intensity.tolist()
        self._power_list = self.power.tolist()
        self._target_rows = {g: targets.tolist() for g, (_, targets) in self._mine.items()}
        self._initial_rows = self.initial_weights.tolist()

    def _set_reservation(self, reservation: np.ndarray) -> None:
        """What depends on the reservation utilities: the base r⁰ and each government's bounds
        r⁰_g ± b (clipped to [0, 1])."""
        self.base_reservation = reservation
        b = self.reservation_bound
        self._bounds = {
            g: (max(reservation[g] - b, 0.0), min(reservation[g] + b, 1.0))
            for g in self.governments
        }

    def with_reservation(self, reservation: np.ndarray) -> Lobbying:
        """These dynamics for other reservation utilities: the same firms, targets, intensities
        and pledged weights (shared, read-only), the reservations' base and bounds new. What a
        scenario's variant with other reservations compiles to (:mod:`model.compiled`)."""
        out = copy.copy(self)
        out._set_reservation(reservation)
        return out

    def step(self, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One round of pushes on ``weights`` (in place) by firms lobbying alone (no coalition
        boost, reservations untouched). Returns, per lobbying firm, the issue index it raised
        most, the weight it moved, and its intensity (after any cap)."""
        before = weights.copy()
        eta, _, _ = self.step_graph(weights)
        issue, moved = self.pushes(before, eta)
        return np.array(issue, dtype=int), np.array(moved), np.array(eta)

    def pushes(self, before: np.ndarray, eta: list[float],
               targets: np.ndarray | None = None) -> tuple[list[int], list[float]]:
        """Per lobbying firm, from the weights ``before`` a round's pushes and the intensities
        ``eta``: the issue whose weight its push raised most, and the weight it moved,
        η_f · ½ Σ_i |T_fi − w_gi| (``targets``: the round's, where a person chose; default the
        rule's). (Only records need these, so a run computes them when asked.)"""
        gap = (self.targets if targets is None else targets) - before[self.homes]
        return gap.argmax(axis=1).tolist(), (np.abs(gap).sum(axis=1) * 0.5 * eta).tolist()

    # -- a person in a firm's seat ---------------------------------------------------------------
    def position(self, firm: int) -> int | None:
        """Where actor ``firm`` is among the lobbying firms (None: it cannot lobby)."""
        return self._firm_list.index(firm) if firm in self._firm_list else None

    def issues_of(self, firm: int) -> list[str]:
        """The issues actor ``firm`` can push its home government on: those of its target."""
        k = self.position(firm)
        if k is None:
            return []
        return [i for i, t in zip(self.issue_names, self.targets[k].tolist(), strict=True) if t > 0]

    def resolve(self, firm: int, choice: LobbyChoice) -> tuple[np.ndarray | None, float]:
        """A person's choice for actor ``firm`` as the pushes take it: (the target, None for
        the rule's; the effort). ValueError for a firm that cannot lobby, an issue outside its
        target or an effort outside [0, 1]."""
        name = self.names[firm]
        if self.position(firm) is None:
            raise ValueError(f"{name} does not lobby in this scenario")
        effort = float(choice.effort)
        if not 0.0 <= effort <= 1.0:
            raise ValueError(f"{name}'s lobbying effort {effort!r} is outside [0, 1]")
        if choice.issue is None:
            return None, effort
        if choice.issue not in self.issues_of(firm):
            raise ValueError(f"{name} cannot push {choice.issue!r}: it pushes "
                             f"{', '.join(self.issues_of(firm))}")
        target = np.zeros(len(self.issue_names))
        target[self.issue_names.index(choice.issue)] = 1.0
        return target, effort

    def step_graph(
        self, weights: np.ndarray, reservation: np.ndarray | None = None,
        stance: np.ndarray | None = None, labels: list[int] | None = None,
        align: np.ndarray | None = None,
        choices: dict[int, tuple[np.ndarray | None, float]] | None = None,
    ) -> tuple[list[float], list[float], list[float]]:
        """Apply one round of pushes to ``weights`` (and ``reservation``, given the actors'
        ``stance``) in place; ``labels``/``align`` are the coalition labels and edge weights
        (None: every firm lobbies alone); ``choices`` maps a lobbying firm's position to a
        person's (target or None, effort) (:meth:`resolve`), in place of its rule.

        Returns lists, per lobbying firm: its intensity η_f (after boost and cap), its boost
        1 + κ·B_f, and its share of the move of its government's reservation. (The per-firm
        scalars are plain Python: for a handful of firms each numpy call would cost more than
        the arithmetic.)
        """
        firms, homes = self._firm_list, self._home_list
        if not firms:
            return [], [], []
        eta, boost = self._intensities(labels, align)
        mine_of = self._mine
        if choices:
            eta, mine_of = self._chosen(eta, choices)
        govs = self._gov_list
        totals = dict.fromkeys(govs, 0.0)
        for k, g in enumerate(homes):
            totals[g] += eta[k]
        if max(totals.values()) > 1.0:
            eta = [e / totals[g] if totals[g] > 1.0 else e for e, g in zip(eta, homes, strict=True)]
            totals = {g: min(t, 1.0) for g, t in totals.items()}
        rows_of = self._target_rows if mine_of is self._mine else None
        for g in govs:
            mine, targets = mine_of[g]
            # Σ_f η_f T_f, added firm by firm as numpy's reduction over the firms' axis adds
            # (element-wise, in firm order): the same bits, without an array per round
            rows = rows_of[g] if rows_of is not None else targets.tolist()
            e = eta[mine[0]]
            pull = [e * t for t in rows[0]]
            for k, target in zip(mine[1:], rows[1:], strict=True):
                e = eta[k]
                pull = [p + e * t for p, t in zip(pull, target, strict=True)]
            keep = max(0.0, 1.0 - totals[g])  # 0 when capped: the shares sum to 1 ± ulp
            if self.anchored:
                weights[g] = self._anchored_row(g, weights[g].tolist(), pull, keep)
                continue
            weights[g] = [keep * w + p for w, p in zip(weights[g].tolist(), pull, strict=True)]
        if reservation is None or stance is None or self.reservation_rate == 0:
            return eta, boost, [0.0] * len(firms)
        st = stance.tolist()
        rate = self.reservation_rate
        shift = [-rate * e * st[f] for e, f in zip(eta, firms, strict=True)]
        for g in govs:
            r = float(reservation[g]) + ordered_sum(
                s for s, h in zip(shift, homes, strict=True) if h == g)
            lo, hi = self._bounds[g]
            reservation[g] = lo if r < lo else hi if r > hi else r
        return eta, boost, shift

    def chosen_targets(self, choices: dict[int, tuple[np.ndarray | None, float]]) -> np.ndarray:
        """Every lobbying firm's target this round: a person's where one chose an issue."""
        targets = self.targets.copy()
        for k, (target, _) in choices.items():
            if target is not None:
                targets[k] = target
        return targets

    def _chosen(self, eta: list[float], choices: dict[int, tuple[np.ndarray | None, float]]):
        """The intensities with each person's effort applied, and the targets per government."""
        eta = [e * choices[k][1] if k in choices else e for k, e in enumerate(eta)]
        targets = self.chosen_targets(choices)
        return eta, {g: (ks, targets[ks]) for g, (ks, _) in self._mine.items()}

    def anchored_weights(self, g: int, w: np.ndarray, pull: np.ndarray,
                         total: float) -> np.ndarray:
        """Government ``g``'s weights after one round of anchored lobbying (module docstring):
        w⁰ + s (1 − δ)(w′ − w⁰), w′ = (1 − ``total``) w + ``pull`` (``pull`` = Σ_f η_f T_f,
        ``total`` = Σ_f η_f), with s ≤ 1 so that ½‖Δ‖₁ ≤ B (:meth:`_anchored_row`'s)."""
        return np.array(self._anchored_row(g, w.tolist(), np.asarray(pull).tolist(),
                                           max(0.0, 1.0 - total)))

    def _anchored_row(self, g: int, w: list[float], pull: list[float],
                      keep: float) -> list[float]:
        """:meth:`anchored_weights` on plain floats (``keep`` = max(0, 1 − Σ_f η_f)), as a round
        takes it (a handful of issues: numpy calls on arrays of that size cost more than the
        arithmetic). w⁰ + s Δ, Δ = (1 − δ)(w′ − w⁰), with the largest s ∈ [0, 1] such that
        ½‖s Δ‖₁ ≤ B: for w⁰ and w⁰ + Δ distributions, so is the result (a convex combination of
        the two); the max with 0 only clears a −ulp."""
        w0 = self._initial_rows[g]
        decay = 1.0 - self.weight_decay
        delta = [decay * ((keep * wi + p) - w0i) for wi, p, w0i in zip(w, pull, w0, strict=True)]
        half = 0.5 * array_sum([abs(d) for d in delta])
        bound = self.weight_bound
        scale = bound / half if half > bound else 1.0
        return [max(w0i + scale * d, 0.0) for w0i, d in zip(w0, delta, strict=True)]

    def _intensities(self, labels: list[int] | None, align: np.ndarray | None):
        """η_f before the per-government cap, and the boost 1 + κ · B_f, per lobbying firm."""
        base = list(self._intensity_list)
        if labels is None or self.boost == 0:
            return base, [1.0] * len(base)
        rows = align.tolist()
        power, kappa = self._power_list, self.boost
        members: dict[int, list[int]] = {}  # each coalition's members, in index order
        for j, lab in enumerate(labels):
            members.setdefault(lab, []).append(j)
        boost = []
        for k, f in enumerate(self._firm_list):
            row, backing = rows[f], 0.0
            for j in members[labels[f]]:
                if j != f and row[j] > 0:
                    backing += row[j] * power[j]
            b = 1.0 + kappa * backing
            boost.append(b)
            base[k] *= b
        return base, boost

    def moves(self, log: list[LobbyRound]) -> list[LobbyMove]:
        """The :class:`LobbyMove` records of the rounds in ``log``."""
        names, issues = self.names, self.issue_names
        firms = [names[f] for f in self._firm_list]
        homes = [names[g] for g in self._home_list]
        index = self._firm_list
        out = []
        for entry in log:
            issue, moved = self.pushes(entry.before, entry.eta, entry.targets)
            st = entry.stance.tolist()
            judged = entry.judged or [None] * len(firms)
            after = entry.after if entry.after is not None else entry.before
            dev = {g: 0.5 * float(np.abs(after[g] - self.initial_weights[g]).sum())
                   for g in self._gov_list}
            for k, (i, m, e, b, s) in enumerate(
                zip(issue, moved, entry.eta, entry.boost, entry.shift, strict=True)
            ):
                out.append(LobbyMove(entry.round_no, firms[k], homes[k], issues[i], e, m,
                                     st[index[k]], b, s, judged[k], dev[self._home_list[k]]))
        return out
