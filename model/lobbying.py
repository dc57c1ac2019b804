"""Lobbying: how firms move their home governments' priorities.

Each round, before the offer is made, every firm re-evaluates the offer on the table (its *stance*:
its utility of those terms minus its reservation utility) and pushes its home government g towards
its own priorities on the issues where the two want the same thing:

    T_f  = w_f restricted to issues where sign_f = sign_g, renormalised to sum 1,
    η_f  = rate · power_f,
    w_g ← (1 − Σ_f η_f) · w_g + Σ_f η_f · T_f        (the sum over g's firms, Σ_f η_f capped at 1),

a convex combination, so w_g stays non-negative and sums to 1 (utilities stay in [0, 1]), and a firm
never teaches its government to want the opposite of what it wanted. Firms push simultaneously, from
the weights at the start of the round. ``rate`` is the scenario's ``protocol.lobbying_rate`` and
``power_f`` the firm's ``lobbying_power``. A firm that agrees with its government on nothing cannot
lobby it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.compiled import Compiled


@dataclass(frozen=True)
class LobbyMove:
    """One firm's push on its home government in one round."""

    round_no: int
    firm: str
    government: str
    issue: str  # the issue whose weight the push raised most
    intensity: float  # η_f
    weight_shift: float  # weight moved by this firm, η_f · ½ Σ_i |T_fi − w_gi|
    stance: float  # the firm's utility of the offer on the table minus its reservation


def lobbying_target(w_firm: np.ndarray, s_firm: np.ndarray, s_gov: np.ndarray) -> np.ndarray | None:
    """The firm's weights on the issues where it and its government want the same direction."""
    agree = (s_firm == s_gov) & (s_firm != 0)
    target = np.where(agree, w_firm, 0.0)
    total = target.sum()
    return target / total if total > 0 else None


class Lobbying:
    """The lobbying dynamics of one scenario, vectorised over firms."""

    def __init__(self, setup: Compiled, rate: float) -> None:
        space = setup.space
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
        self._share = {}
        for g in self.governments:
            mine = self.homes == g
            total = self.intensity[mine].sum()
            scale = 1.0 / total if total > 1.0 else 1.0
            self._share[g] = (mine, self.intensity[mine] * scale)

    def step(self, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Apply one round of pushes to ``weights`` in place.

        Returns, per lobbying firm, the issue index it raised most, the weight it moved, and its
        intensity (after any cap).
        """
        gap = self.targets - weights[self.homes]
        issue = gap.argmax(axis=1)
        eta = np.empty(len(self.firms))
        for g, (mine, share) in self._share.items():
            eta[mine] = share
            keep = max(0.0, 1.0 - share.sum())  # 0 when capped: the scaled shares sum to 1 ± ulp
            weights[g] = keep * weights[g] + share @ self.targets[mine]
        moved = eta * 0.5 * np.abs(gap).sum(axis=1)
        return issue, moved, eta
