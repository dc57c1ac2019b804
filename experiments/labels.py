"""Words for plots: a parameter's path or an outcome's column name → an axis label a paper prints.

``actors.Japan.strategy.beta`` reads "Japan's concession exponent β", ``agreement_by_first_deadline``
"P(deal by the G7)", ``terms.auto_tariff`` "auto tariff (%)": the names of actors, deadlines and
issues (their labels and units) come from the scenario, so a new scenario is labelled by its own
file. A path the rules below do not know is printed as it is. :func:`short_name` gives the short,
file-name-safe form (``Japan-beta``) that plot files are named by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bargaining_chips.model.scenario import Scenario

PARAM_PREFIX = "param."

# Strategy parameters (agents/strategies): the symbol of Faratin et al. (1998) where there is one.
STRATEGY_PARAMETERS = {
    "beta": "concession exponent β",
    "k": "initial concession k",
    "start": "opening aspiration",
    "floor": "lowest aspiration",
    "sigma": "offer noise σ",
    "window": "tit-for-tat window",
    "level": "hardliner's level",
}
ACTOR_FIELDS = {
    "lobbying_power": "lobbying power",
    "reservation": "reservation utility",
    "discount": "discount factor δ",
    "bargaining_power": "bargaining power",
}
OUTCOMES = {
    "agreement": "P(deal)",
    "agreement_round": "round of agreement",
    "rounds_played": "rounds played",
    "nash_product": "Nash product",
    "pareto_distance": "distance from the Pareto frontier",
    "coalition_changes": "coalition changes",
    "coalition_moves": "coalition moves",
    "home_rejections": "deals rejected at home",
}


@dataclass(frozen=True)
class Labels:
    """Labels for one scenario (None: the paths' own words, actors and issues by their names)."""

    spec: Scenario | None = None

    def parameter(self, path: str) -> str:
        """A parameter's label: "Japan's concession exponent β", "P(G7 target slips)" (a target's
        extension probability is its chance of slipping), "P(pause_end deadline extended)"."""
        path = path.removeprefix(PARAM_PREFIX)
        parts = path.split(".")
        if len(parts) == 4 and parts[0] == "actors" and parts[2] == "strategy":
            name = STRATEGY_PARAMETERS.get(parts[3])
            if name:
                return f"{self._actor(parts[1])}'s {name}"
        if len(parts) == 3 and parts[0] == "actors" and parts[2] in ACTOR_FIELDS:
            return f"{self._actor(parts[1])}'s {ACTOR_FIELDS[parts[2]]}"
        if len(parts) == 3 and parts[0] == "deadlines" and parts[2] == "extension_probability":
            deadline = self.spec.deadlines.get(parts[1]) if self.spec is not None else None
            if deadline is not None and deadline.kind == "target":
                return f"P({parts[1]} target slips)"
            return f"P({parts[1]} deadline extended)"
        if len(parts) == 3 and parts[0] == "coalitions":
            return f"coalition {parts[2].replace('_', ' ')}"
        if len(parts) == 2 and parts[0] == "protocol":
            return parts[1].replace("_", " ")
        return path

    def outcome(self, name: str) -> str:
        """An outcome's label: "P(deal by the G7)", "Japan's utility", "auto tariff (%)"."""
        if name == "agreement_by_first_deadline":
            first = self._first_deadline()
            return f"P(deal by the {first})" if first else "P(deal by the first deadline)"
        if name in OUTCOMES:
            return OUTCOMES[name]
        head, _, tail = name.partition(".")
        if head == "utilities" and tail:
            return f"{self._actor(tail)}'s utility"
        if head == "concessions" and tail:
            return f"{self._actor(tail)}'s concession"
        if head == "terms" and tail:
            return self._issue(tail)
        return name

    def is_probability(self, name: str) -> bool:
        """Whether the mean of outcome ``name`` is a probability (a 0/1 outcome)."""
        return name in ("agreement", "agreement_by_first_deadline", "cross_border_decisive")

    def mean(self, name: str) -> str:
        """The label of the mean of an outcome: P(…) as it is, "mean …" otherwise."""
        text = self.outcome(name)
        return text if self.is_probability(name) else f"mean {text}"

    def _actor(self, name: str) -> str:
        return actor_words(name)

    def _issue(self, name: str) -> str:
        issue = self.spec.issues.get(name) if self.spec is not None else None
        if issue is None:
            return name.replace("_", " ")
        return f"{issue.label} ({issue.unit})" if issue.unit else issue.label

    def _first_deadline(self) -> str | None:
        if self.spec is None or not self.spec.deadlines:
            return None
        return next(iter(self.spec.deadlines))

    def first_deadline(self) -> str:
        """The scenario's first date, as a plot names it: "G7 target" (a focal date, which ends
        nothing when missed), "end deadline" (a deadline), "first deadline" (no scenario)."""
        first = self._first_deadline()
        if first is None:
            return "first deadline"
        kind = self.spec.deadlines[first].kind
        return f"{first} {'target' if kind == 'target' else 'deadline'}"


def actor_name(name: str) -> str:
    """An actor's name as a plot prints it: "LNG Developer" for ``LNG_Developer``."""
    return name.replace("_", " ")


def actor_words(name: str) -> str:
    """An actor's name as the subject of a possessive: "the US", "Japan", "JA Farm", "L1" (a
    country's initials take "the"; a label such as L1 or P2 does not)."""
    text = actor_name(name)
    return f"the {text}" if text.isalpha() and text.isupper() and len(text) <= 3 else text


def labels_for(scenario: str | None) -> Labels:
    """The labels of a bundled scenario's name or a scenario path (plain labels if it does not
    load: a toy model's sweep has none)."""
    from bargaining_chips.model.errors import UserError
    from bargaining_chips.model.loader import load_scenario

    if scenario is None:
        return Labels()
    try:
        return Labels(load_scenario(scenario))
    except UserError:
        return Labels()


def short_name(path: str) -> str:
    """A parameter's or outcome's short name for a file: its actor, deadline or issue and its last
    part (``actors.Japan.strategy.beta`` → ``Japan-beta``, ``terms.auto_tariff`` →
    ``auto_tariff``)."""
    parts = path.removeprefix(PARAM_PREFIX).split(".")
    if parts[0] in ("actors", "deadlines", "issues") and len(parts) >= 3:
        last = {"extension_probability": "extension", "lobbying_power": "lobbying"}
        parts = [parts[1], last.get(parts[-1], parts[-1])]
    elif parts[0] == "terms" and len(parts) == 2:
        parts = [parts[1]]
    elif parts[0] in ("utilities", "concessions") and len(parts) == 2:
        parts = [parts[1], {"utilities": "utility", "concessions": "concession"}[parts[0]]]
    elif len(parts) > 2:
        parts = parts[-2:]
    text = "-".join(parts)
    text = {"agreement_by_first_deadline": "deal_by_deadline"}.get(text, text)
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)[:40]
