"""Negotiation protocols: how one round is played at the table.

A protocol is a small class with a registered ``name`` and one method, ``play_round(model)``, which
asks the governments' strategies for offers and answers (through the agents), records the round with
``model.record_offer`` and ends the talks with ``model.finish`` when a deal is struck or someone walks
away. Lobbying before the round and the calendar after it belong to the model, the same for every
protocol. ``protocol.type`` in the scenario picks the protocol from :data:`PROTOCOLS`.

A protocol plays on a :class:`Table`: the members of the model it uses, declared as a structural
type that :class:`~model.negotiation.NegotiationModel` satisfies, so this module does not import
the model's (which imports this one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Protocol

import numpy as np

from bargaining_chips.agents.messages import Offer, Response
from bargaining_chips.model.events import EndReason, NotMonotone, Recognised, WalkedAway

if TYPE_CHECKING:
    from bargaining_chips.model.compiled import Compiled
    from bargaining_chips.model.events import Event
    from bargaining_chips.model.scenario import Scenario


class Table(Protocol):
    """What a protocol plays a round on: the run's table (:class:`~model.negotiation.
    NegotiationModel` is one). A protocol asks the governments at the table for offers and
    answers, and reports back through the recording methods; it touches nothing else."""

    setup: Compiled
    spec: Scenario
    round_index: int  # 0-based
    rng: np.random.Generator
    governments: list  # the government agents, in file order

    def government(self, index: int): ...  # the agent of actor ``index``
    def utility(self, actor: int, terms: np.ndarray) -> float: ...
    def ratify(self, offer: Offer) -> bool: ...
    def record_offer(self, offer: Offer, responses: dict, thresholds: dict, accepted: bool,
                     ratified: bool) -> None: ...
    def record_event(self, event: Event) -> None: ...
    def finish(self, agreement: bool, terms: np.ndarray, reason: EndReason) -> None: ...


class Protocol:
    name: ClassVar[str] = ""
    label: ClassVar[str] = ""  # how an error message names it ("alternating offers")

    def play_round(self, model: Table) -> None:
        raise NotImplementedError

    @classmethod
    def scenario_problem(cls, spec: Scenario) -> tuple[str, str] | None:
        """What the protocol needs from a scenario and does not find there, as (field, expected);
        None when the scenario can be played under it."""
        return None

    def proposer(self, setup: Compiled, round_index: int) -> int | None:
        """The actor who proposes in round ``round_index``, if the protocol fixes it in advance
        (None when every government proposes, or when the proposer is drawn)."""
        return None

    def recognition(self, setup: Compiled) -> dict[int, float]:
        """Each government's probability of being the proposer in a round (the rotation's share
        of rounds under a fixed order)."""
        order = setup.proposer_order
        return {g: order.count(g) / len(order) for g in setup.governments}

    def votes_needed(self, setup: Compiled) -> int:
        """How many governments (the proposer included) must say yes: all, unless a rule says."""
        return len(setup.governments)


class AlternatingOffers(Protocol):
    """Rubinstein's (1982) alternating offers, generalised to any number of governments.

    The proposer rotates through ``protocol.order`` (by default the governments in file order);
    every other government answers. All must accept, and the deal must pass every government's
    ratification, for an agreement; one walking away ends the talks without a deal.
    """

    name = "alternating"
    label = "alternating offers"

    def proposer(self, setup: Compiled, round_index: int) -> int | None:
        order = setup.proposer_order
        return order[round_index % len(order)]

    def play_round(self, model: Table) -> None:
        order = model.setup.proposer_order
        proposer = model.government(order[model.round_index % len(order)])
        space = model.setup.space
        terms = space.clip(proposer.propose())
        offer = Offer(proposer.actor_name, model.round_index + 1, terms)
        responses, thresholds = {}, {}
        accepted, walked = True, []
        for g in model.governments:
            if g is not proposer:
                answer, threshold = g.respond(offer)
                responses[g.actor_name], thresholds[g.actor_name] = answer, threshold
                accepted = accepted and answer is Response.ACCEPT
                if answer is Response.WALK_AWAY:
                    walked.append(g.actor_name)
        ratified = accepted and model.ratify(offer)
        model.record_offer(offer, responses, thresholds, accepted, ratified)
        if walked:
            for name in walked:
                model.record_event(WalkedAway(model.round_index, name))
            model.finish(False, space.no_deal, EndReason.WALKED_AWAY)
        elif ratified:
            model.finish(True, terms, EndReason.ACCEPTED)


class MonotonicConcession(Protocol):
    """The monotonic concession protocol (Rosenschein & Zlotkin 1994, *Rules of Encounter*, ch. 4).

    Two governments propose *simultaneously* every round, each seeing only the earlier rounds.
    Agreement is reached when one side's proposal is at least as good for the other as the other's
    own proposal (if both qualify and differ, one is chosen by a fair draw from the model's
    generator). Concessions must be monotone: a proposal may not give the other side less than the
    proposer's previous one — such a proposal is replaced by the previous one and noted in the
    transcript. A round after the first in which neither side concedes ends the talks in conflict
    (no deal, reason "no concession"). Zeuthen's risk rule (:class:`agents.strategies.Zeuthen`)
    played under this protocol reaches the deal that maximises the Nash product (Harsanyi 1956).

    Each round records two offers (one row each); each carries the other side's answer under the
    agreement rule, judged against the utility of its own proposal.
    """

    name = "monotonic_concession"
    label = "monotonic concession"

    @classmethod
    def scenario_problem(cls, spec: Scenario) -> tuple[str, str] | None:
        if len(spec.governments) != 2:
            return ("actors", "the monotonic concession protocol is for two governments")
        return None

    def play_round(self, model: Table) -> None:
        space = model.setup.space
        first, second = model.governments
        previous = {g: g.view.last_offer_by() for g in (first, second)}
        proposals = {
            g: space.clip(g.propose()) for g in (first, second)
        }
        conceded = False
        for g, other in ((first, second), (second, first)):
            before = previous[g]
            if before is None:
                continue
            now = model.utility(other.index, proposals[g])
            then = model.utility(other.index, before.terms)
            if now < then - 1e-12:
                proposals[g] = before.terms.copy()
                model.record_event(NotMonotone(model.round_index, g.actor_name))
            elif now > then + 1e-12:
                conceded = True
        round_no = model.round_index + 1
        offers = {g: Offer(g.actor_name, round_no, proposals[g]) for g in (first, second)}
        own_value = {g: model.utility(g.index, proposals[g]) for g in (first, second)}
        acceptable = {}
        for g, other in ((first, second), (second, first)):
            value = model.utility(other.index, proposals[g])
            acceptable[g] = value >= own_value[other] - 1e-12
        chosen = None
        if acceptable[first] and acceptable[second]:
            same = bool(np.array_equal(proposals[first], proposals[second]))
            chosen = first if same or model.rng.random() < 0.5 else second
        elif acceptable[first] or acceptable[second]:
            chosen = first if acceptable[first] else second
        ratified = chosen is not None and model.ratify(offers[chosen])
        for g, other in ((first, second), (second, first)):
            answer = Response.ACCEPT if acceptable[g] else Response.REJECT
            model.record_offer(
                offers[g], {other.actor_name: answer}, {other.actor_name: own_value[other]},
                g is chosen, g is chosen and ratified,
            )
        if ratified:
            model.finish(True, proposals[chosen], EndReason.ACCEPTED)
        elif chosen is None and previous[first] is not None and not conceded:
            model.finish(False, space.no_deal, EndReason.NO_CONCESSION)


class MajorityRule(Protocol):
    """Legislative bargaining under majority rule (Baron & Ferejohn 1989), closed rule.

    Each round one government is recognised at random, each with equal probability (one draw from
    the model's seeded generator); it proposes a division of the budget; every government votes
    (the proposer for its own proposal) and the proposal passes with a simple majority,
    ⌊n/2⌋ + 1 votes. Under the closed rule a proposal is voted up or down, never amended; if it
    fails, the next round recognises a proposer afresh.

    The scenario states a *division game*: ``protocol.budget`` is the size of the budget B, and
    every issue is one government's share, in [0, B], the only issue that government weights
    (``prefers = "high"``, no curvature), so its utility is its share / B. An offer's shares must
    sum to B: one promising more is scaled down to B (a proposer cannot give away more than there
    is), one promising less leaves the rest undivided.
    """

    name = "majority"
    label = "majority rule"

    @classmethod
    def scenario_problem(cls, spec: Scenario) -> tuple[str, str] | None:
        budget = spec.protocol.budget
        if budget is None:
            return ("protocol.budget", "missing: majority rule divides a budget; give its size")
        owners: dict[str, str] = {}
        for name in spec.governments:
            actor = spec.actors[name]
            weighted = [i for i, w in actor.weights.items() if w > 0]
            if len(weighted) != 1:
                return (f"actors.{name}.weights",
                        "in a division game a government weights exactly one issue, its share")
            issue = weighted[0]
            if issue in owners:
                return (f"actors.{name}.weights.{issue}",
                        f"already the share of {owners[issue]}; each government needs its own")
            if actor.prefers.get(issue) != "high" or actor.curvature.get(issue, 1.0) != 1.0:
                return (f"actors.{name}.prefers.{issue}",
                        'a share is wanted "high", without curvature')
            owners[issue] = name
        for name, issue in spec.issues.items():
            if name not in owners:
                return (f"issues.{name}", "every issue must be one government's share")
            if issue.min != 0.0 or abs(issue.max - budget) > 1e-12:
                return (f"issues.{name}", f"a share ranges over [0, budget] = [0, {budget:g}]")
        return None

    def recognition(self, setup: Compiled) -> dict[int, float]:
        govs = setup.governments
        return {g: 1.0 / len(govs) for g in govs}

    def votes_needed(self, setup: Compiled) -> int:
        return len(setup.governments) // 2 + 1

    def play_round(self, model: Table) -> None:
        setup = model.setup
        space = setup.space
        recognised = setup.governments[int(model.rng.integers(len(setup.governments)))]
        proposer = model.government(recognised)
        model.record_event(Recognised(model.round_index, proposer.actor_name))
        terms = space.clip(proposer.propose())
        budget = model.spec.protocol.budget
        total = float(terms.sum())
        if total > budget:
            terms = terms * (budget / total)
        offer = Offer(proposer.actor_name, model.round_index + 1, terms)
        answers = {g.actor_name: g.respond(offer) for g in model.governments if g is not proposer}
        responses = {name: answer[0] for name, answer in answers.items()}
        thresholds = {name: answer[1] for name, answer in answers.items()}
        yes = 1 + sum(v is Response.ACCEPT for v in responses.values())
        passed = yes >= self.votes_needed(model.setup)
        ratified = passed and model.ratify(offer)
        model.record_offer(offer, responses, thresholds, passed, ratified)
        if ratified:
            model.finish(True, terms, EndReason.PASSED)


PROTOCOLS: dict[str, type[Protocol]] = {
    cls.name: cls for cls in (AlternatingOffers, MonotonicConcession, MajorityRule)
}
