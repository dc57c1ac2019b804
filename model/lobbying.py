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

**Weights.** w_g ← (1 − Σ_f η_f) · w_g + Σ_f η_f · T_f, a convex combination: w_g stays
non-negative and sums to 1, so utilities stay in [0, 1], and a firm never teaches its government to
want the opposite of what it wanted. Firms push simultaneously, from the weights at the start of
the round.

**Reservation.** A firm for the deal on the table (stance σ_f = u_f(x) − r_f > 0) urges its
government to settle; one against it urges it to hold out:

    r_g ← clip(r_g − ρ · Σ_f η_f · σ_f,  r⁰_g − b,  r⁰_g + b)   (and within [0, 1]),

with ρ ``coalitions.reservation_rate`` and b ``coalitions.reservation_bound`` around the scenario's
reservation r⁰_g. Before any offer is on the table no firm has a stance and r_g does not move.

**Pledges.** A firm may bear a share π of what an issue costs a government (SoftBank co-financing
the fund, NVIDIA guaranteeing supply at a discount). The government's weight on that issue is
scaled by (1 − π) and its weights renormalised, once, before the first round: conceding the issue
now costs it less, and the efficient offers of both sides (:meth:`UtilitySpace.offer_at`) give it
away sooner. Several pledges on one issue multiply: (1 − π₁)(1 − π₂).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.compiled import Compiled
    from model.negotiation import NegotiationModel


@dataclass(frozen=True)
class LobbyMove:
    """One firm's push on its home government in one round."""

    round_no: int
    firm: str
    government: str
    issue: str  # the issue whose weight the push raised most
    intensity: float  # η_f (after the coalition boost and any cap)
    weight_shift: float  # weight moved by this firm, η_f · ½ Σ_i |T_fi − w_gi|
    stance: float  # the firm's utility of the offer on the table minus its reservation
    boost: float = 1.0  # 1 + κ · B_f: how much its coalition partners amplified it
    reservation_shift: float = 0.0  # its share of the move of its government's reservation


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


def pledged_weights(setup: Compiled) -> tuple[np.ndarray, tuple[Pledge, ...]]:
    """The actors' starting weights with every pledge applied, and the pledges resolved."""
    spec, space = setup.spec, setup.space
    weights = space.weights.copy()
    pledges = []
    for name, actor in spec.actors.items():
        for p in actor.pledges:
            gov = p.government or actor.home
            pledges.append(Pledge(name, gov, p.issue, p.share, p.label))
            g, i = setup.index(gov), space.issue_names.index(p.issue)
            weights[g, i] *= 1.0 - p.share
    for g in {setup.index(p.government) for p in pledges}:
        total = weights[g].sum()
        if total > 0:
            weights[g] /= total
        else:
            weights[g] = space.weights[g]
    return weights, tuple(pledges)


class Lobbying:
    """The lobbying dynamics of one scenario, vectorised over firms."""

    def __init__(self, setup: Compiled, rate: float) -> None:
        space = setup.space
        params = setup.spec.coalitions
        firms, homes, targets, intensity = [], [], [], []
        for f in setup.firms:
            g = setup.home[f]
            target = lobbying_target(space.weights[f], space.sign[f], space.sign[g])
            if target is None or rate * setup.lobbying_power[f] <= 0:
                continue
            firms.append(f)
            homes.append(g)
            targets.append(target)
            intensity.append(rate * setup.lobbying_power[f])
        self.firms = np.array(firms, dtype=int)
        self.homes = np.array(homes, dtype=int)
        self.targets = np.array(targets).reshape(len(firms), len(space.issue_names))
        self.intensity = np.array(intensity)
        self.governments = sorted(set(homes))
        gov = np.array(self.governments, dtype=int)
        self._gov = gov
        self._pos = np.searchsorted(gov, self.homes)  # each firm's row in _onehot
        self._onehot = (gov[:, None] == self.homes[None, :]).astype(float)  # governments × firms
        self.power = np.asarray(setup.lobbying_power, dtype=float)
        self.boost = params.partner_boost
        self.reservation_rate = params.reservation_rate
        self.base_reservation = setup.reservation
        lo = np.maximum(setup.reservation - params.reservation_bound, 0.0)
        hi = np.minimum(setup.reservation + params.reservation_bound, 1.0)
        self.bounds = (lo[gov], hi[gov])
        self.initial_weights, self.pledges = pledged_weights(setup)
        n = len(setup.actor_names)
        self._self_mask = np.ones((len(firms), n))
        self._self_mask[np.arange(len(firms)), self.firms] = 0.0

    def intensities(self, labels: np.ndarray | None, align: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """η_f before the per-government cap, and the boost 1 + κ · B_f, per lobbying firm."""
        if labels is None or self.boost == 0:
            return self.intensity.copy(), np.ones(len(self.firms))
        same = (labels[self.firms][:, None] == labels) * self._self_mask
        backing = (np.maximum(align[self.firms], 0.0) * same) @ self.power
        boost = 1.0 + self.boost * backing
        return self.intensity * boost, boost

    def step(self, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One round of pushes on ``weights`` (in place) by firms lobbying alone (no coalition
        boost, reservations untouched). Returns, per lobbying firm, the issue index it raised
        most, the weight it moved, and its intensity (after any cap)."""
        issue, moved, eta, _, _ = self.step_graph(weights)
        return issue, moved, eta

    def step_graph(
        self, weights: np.ndarray, reservation: np.ndarray | None = None,
        stance: np.ndarray | None = None, labels: np.ndarray | None = None,
        align: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Apply one round of pushes to ``weights`` (and ``reservation``, given the firms'
        ``stance``) in place; ``labels``/``align`` are the current coalitions and edge weights.

        Returns, per lobbying firm, the issue index it raised most, the weight it moved, its
        intensity (after boost and cap), its boost, and its share of the reservation move.
        """
        gov, onehot = self._gov, self._onehot
        gap = self.targets - weights[self.homes]
        issue = gap.argmax(axis=1)
        eta, boost = self.intensities(labels, align)
        total = onehot @ eta
        if total.max() > 1.0:
            eta /= np.maximum(total, 1.0)[self._pos]
            total = onehot @ eta
        keep = np.maximum(1.0 - total, 0.0)  # 0 when capped: the shares sum to 1 ± ulp
        weights[gov] = keep[:, None] * weights[gov] + (onehot * eta) @ self.targets
        moved = eta * 0.5 * np.abs(gap).sum(axis=1)
        if reservation is not None and stance is not None and self.reservation_rate > 0:
            shift = (-self.reservation_rate) * eta * stance[self.firms]
            lo, hi = self.bounds
            reservation[gov] = np.minimum(np.maximum(reservation[gov] + onehot @ shift, lo), hi)
        else:
            shift = np.zeros(len(self.firms))
        return issue, moved, eta, boost, shift


def lobby_round(model: NegotiationModel) -> None:
    """Step 1 of a round: update the coalition graph on the offer on the table, then let every
    firm lobby its home government through its coalition (records ``LobbyMove``s)."""
    setup = model.setup
    space = setup.space
    on_table = bool(model.offers)
    values = space.values(model.offers[-1].terms) if on_table else None
    round_no = model.round_index + 1
    snap = model.coalition_tracker.update(round_no, model.weights, values, model.reservation)
    if values is None:
        no_deal = model.coalition_tracker.cs.no_deal_values
        stance = (model.weights * no_deal).sum(axis=1) - model.reservation
    else:
        stance = snap.stance
    for firm in model.firms:
        firm.stance = float(stance[firm.index])
    lob = model.lobbying
    if not len(lob.firms):
        return
    labels = snap.labels if on_table else None
    res_stance = stance if on_table else None
    issue, moved, eta, boost, shift = lob.step_graph(
        model.weights, model.reservation, res_stance, labels, snap.align
    )
    model._refresh()  # the weights changed: re-derive the cached utility forms
    names, issues = setup.actor_names, space.issue_names
    stance_list = stance.tolist()
    for f, g, i, e, m, b, s in zip(
        lob.firms.tolist(), lob.homes.tolist(), issue.tolist(), eta.tolist(), moved.tolist(),
        boost.tolist(), shift.tolist(), strict=True,
    ):
        model.lobby_moves.append(
            LobbyMove(round_no, names[f], names[g], issues[i], e, m, stance_list[f], b, s)
        )
