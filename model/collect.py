"""What Mesa's ``DataCollector`` reads off a :class:`~model.negotiation.NegotiationModel`.

Every reporter is a module-level function (a lambda would make the model unpicklable, and
``mesa.batch_run`` with several processes pickles what it sends), called with the model or with an
agent. The per-government columns are :func:`functools.partial` objects over one function, which
Mesa calls with the model exactly as it calls a plain function, on Mesa 3.3 and 3.5 alike.

Reporters only read: none draws a random number or changes a record, so a run collected every round
plays exactly as one that is not (``tests/model/test_collect.py`` checks the records against the
golden fingerprints' runs). Every value is an immutable scalar (Mesa 3.3 stores reported values by
reference, 3.5 deep-copies them).

Model columns: ``deal`` (1 once the talks end with an agreement, else 0), ``round`` (the number of
the last round played, 0 before the first), ``date`` (its ISO date, "" before the first),
``coalitions`` (how many coalitions the coalition graph holds on the offer on the table) and
``u_<government>`` for every government at the table: its utility of the offer on the table, under
its weights when the offer was made (NaN before the first offer).

Agent columns: ``actor`` (the actor's name), ``kind`` ("government" or "firm"), ``utility`` (its
utility of the offer on the table, NaN before the first offer), ``stance`` (that utility minus its
reservation utility: > 0 means it prefers the offer to no deal) and ``coalition`` (the label of its
coalition in the coalition graph this round, shared by the coalition's members; -1 before the
first round).

The utilities are the ones recorded with the offer (the model's per-offer rows), so collecting
adds no utility computation to a round.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import mesa

# A NegotiationModel (not imported: the model imports this module, and the layers allow no cycle).
NegotiationModel = Any

NAN = float("nan")


# -- model reporters --------------------------------------------------------------------------
def deal(model: NegotiationModel) -> int:
    """1 once the talks have ended with an agreement, else 0."""
    return int(model.outcome is not None and model.outcome.agreement)


def round_number(model: NegotiationModel) -> int:
    """The number of the last round played (0 before the first)."""
    r = model.round_index
    return model.rounds[r - 1].number if r else 0


def round_date(model: NegotiationModel) -> str:
    """The ISO date of the last round played ("" before the first)."""
    r = model.round_index
    return model.rounds[r - 1].iso_date if r else ""


def coalition_count(model: NegotiationModel) -> int:
    """How many coalitions the coalition graph holds now (every actor alone before any offer)."""
    snap = model.coalition_tracker.current
    return len(set(snap.labels)) if snap is not None else len(model.setup.actor_names)


def offer_utility(model: NegotiationModel, actor: int) -> float:
    """Actor ``actor``'s utility of the offer on the table, as recorded when it was made (the
    ``u_<name>`` of :attr:`~model.negotiation.NegotiationModel.rows`; NaN before the first
    offer)."""
    utilities = model.table_utilities
    return NAN if utilities is None else float(utilities[actor])


def model_reporters(model: NegotiationModel) -> dict:
    """The model columns for ``model``'s scenario (one ``u_<government>`` per government)."""
    names = model.setup.actor_names
    reporters = {"deal": deal, "round": round_number, "date": round_date,
                 "coalitions": coalition_count}
    for g in model.setup.governments:
        reporters[f"u_{names[g]}"] = partial(offer_utility, actor=g)
    return reporters


# -- agent reporters --------------------------------------------------------------------------
def actor_name(agent: mesa.Agent) -> str:
    """The actor's name in the scenario."""
    return agent.actor_name


def actor_kind(agent: mesa.Agent) -> str:
    """"government" for an agent at the table, "firm" for one behind a government."""
    return "firm" if hasattr(agent, "home") else "government"


def actor_utility(agent: mesa.Agent) -> float:
    """The actor's utility of the offer on the table (NaN before the first offer)."""
    return offer_utility(agent.model, agent.index)


def actor_stance(agent: mesa.Agent) -> float:
    """Utility of the offer on the table minus the actor's reservation utility now (NaN before
    the first offer): > 0 when it prefers the offer to no deal."""
    model = agent.model
    return offer_utility(model, agent.index) - float(model.reservation[agent.index])


def actor_coalition(agent: mesa.Agent) -> int:
    """The label of the actor's coalition in the coalition graph now: actors in one coalition
    share it (labels are not matched across rounds; ``coalition_tracker.history()`` gives
    coalitions stable ids). -1 before the first round."""
    snap = agent.model.coalition_tracker.current
    return -1 if snap is None else int(snap.labels[agent.index])


AGENT_REPORTERS = {
    "actor": actor_name,
    "kind": actor_kind,
    "utility": actor_utility,
    "stance": actor_stance,
    "coalition": actor_coalition,
}


def make_datacollector(model: NegotiationModel) -> mesa.DataCollector:
    """A ``mesa.DataCollector`` with the model and agent columns above."""
    return mesa.DataCollector(model_reporters=model_reporters(model),
                              agent_reporters=dict(AGENT_REPORTERS))
