"""What a strategy sees: a read-only window on the negotiation for one government.

Strategies never reach into the model. :class:`NegotiationView` declares everything a strategy may
read: the round, its relative time, the offers made so far, its own and the other governments'
current utilities (under complete information, the default, preferences at the table are common
knowledge; under private information the others' are what this government believes of them, see
docs/ODD.md), their reservation utilities and discount factors,
what the protocol fixes in advance (who proposes, how many votes pass a proposal), what its home
would ratify, and the model's seeded random generator for stochastic play.

It is a protocol, a type and nothing else: the model implements it (``model/view.py``), builds one
view per government and hands it to the government's agent, which passes it to its strategy. So
the strategies and the agents run on any object with these members (a test can script one) and
import nothing of the model. Actors are numbered as in the scenario file (its ``actors`` tables
in order); terms are arrays with one value per issue, in :attr:`issue_names` order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np

    from bargaining_chips.agents.messages import Offer


class NegotiationView(Protocol):
    """One government's view of the talks (the members its strategy and its agent use)."""

    #: This government's index.
    actor: int
    #: This government's name.
    name: str
    #: The other governments at the table, in file order.
    opponents: tuple[int, ...]

    def index_of(self, name: str) -> int:
        """The index of the actor called ``name``."""
        ...

    # -- time ---------------------------------------------------------------------------------
    @property
    def round_index(self) -> int:
        """0-based index of the current round."""
        ...

    def relative_time(self, round_index: int | None = None) -> float:
        """This actor's relative time in round ``round_index`` (default: the current round): 0 at
        the first round, 1 at its believed deadline (model.compiled.Compiled.relative_time)."""
        ...

    @property
    def t(self) -> float:
        """This actor's relative time now."""
        ...

    @property
    def is_last_round(self) -> bool:
        """True when no round can follow this one (a hard deadline or the calendar's end)."""
        ...

    @property
    def last_round_index(self) -> int:
        """The latest round (0-based) the talks can reach: the calendar's end or the first deadline
        still ahead that is certain to end them (hard, or soft with extension probability 0),
        whichever comes first. (Any other soft deadline may end the talks earlier with its
        probability; strategies that plan to a horizon treat it as extended.)"""
        ...

    # -- the protocol -------------------------------------------------------------------------
    def proposer_at(self, round_index: int) -> int | None:
        """Who proposes in round ``round_index``, if the protocol fixes it in advance (None when
        every government proposes each round, or when the proposer is drawn at random)."""
        ...

    @property
    def governments(self) -> tuple[int, ...]:
        """The indices of the governments at the table, this one included, in file order."""
        ...

    def recognition_probability(self, actor: int) -> float:
        """The probability that ``actor`` is the proposer in a round (the protocol's rule)."""
        ...

    @property
    def votes_needed(self) -> int:
        """How many governments, the proposer included, must accept a proposal."""
        ...

    @property
    def rng(self) -> np.random.Generator:
        """The model's seeded generator: the only source of randomness a strategy may use."""
        ...

    # -- preferences --------------------------------------------------------------------------
    @property
    def issue_names(self) -> tuple[str, ...]:
        """The issues, in the order of every terms array."""
        ...

    @property
    def weights_key(self) -> bytes:
        """A fingerprint of every actor's current weights: equal while lobbying has not moved
        them, so a strategy may cache what it derives from the utilities under it."""
        ...

    @property
    def reservation(self) -> float:
        """This actor's current reservation utility (what no deal is worth to it)."""
        ...

    def reservation_of(self, actor: int) -> float:
        """Actor ``actor``'s current reservation utility."""
        ...

    @property
    def discount(self) -> float:
        """This actor's discount factor δ."""
        ...

    def discount_of(self, actor: int) -> float:
        """Actor ``actor``'s discount factor δ (an agreement in round r is worth δ^(r−1))."""
        ...

    @property
    def budget(self) -> float | None:
        """The size of the budget in a division game (``protocol.budget``), else None."""
        ...

    def share_issue_of(self, actor: int) -> int | None:
        """The issue ``actor``'s utility rests on entirely (its share in a division game), or None
        when it weights several issues."""
        ...

    def bargaining_power_of(self, actor: int) -> float:
        """Actor ``actor``'s weight in the generalised Nash product (``bargaining_power``)."""
        ...

    def utility(self, terms: np.ndarray) -> float:
        """This actor's utility of ``terms`` under its current weights."""
        ...

    def weights_of(self, actor: int) -> np.ndarray:
        """Actor ``actor``'s issue weights now, as this government knows them (under private
        information: as it believes them)."""
        ...

    @property
    def issue_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Each issue's lower end and the length of its range, in the issues' own units."""
        ...

    def utility_of(self, actor: int, terms: np.ndarray) -> float:
        """Actor ``actor``'s utility of ``terms`` under its current weights."""
        ...

    def offer_at(self, level: float) -> np.ndarray:
        """Efficient terms worth ``level`` to this actor, as much as possible to the other
        governments (model.utility.UtilitySpace.offer_at)."""
        ...

    def offer_for(self, actor: int, level: float) -> np.ndarray:
        """The efficient terms ``actor`` would offer at ``level``: worth ``level`` to it, as much as
        possible to the other governments. Lets a strategy reason about the others' offers
        (backward induction needs what each side would propose in each round)."""
        ...

    # -- history ------------------------------------------------------------------------------
    @property
    def history(self) -> list[Offer]:
        """Every offer made so far, oldest first (read, never written)."""
        ...

    def last_offer_by(self, actor: int | None = None, before: int = 0) -> Offer | None:
        """The latest offer by ``actor`` (default: this actor), skipping ``before`` newer ones."""
        ...

    # -- the domestic side (model.ratification) -----------------------------------------------
    @property
    def anticipates_ratification(self) -> bool:
        """Whether this government's negotiators keep to what home will ratify (its agent then
        pulls proposals into the win-set and turns down what home would reject)."""
        ...

    def approval(self, terms: np.ndarray) -> float | None:
        """The share of political weight at home that would approve ``terms`` (None without a
        ratification table)."""
        ...

    def ratifiable(self, terms: np.ndarray) -> bool:
        """Whether home would ratify ``terms`` now (always True without a ratification table)."""
        ...

    def within_win_set(self, terms: np.ndarray) -> np.ndarray:
        """``terms`` pulled towards this government's side until home would ratify them."""
        ...

    # The agent's, not the strategy's: the domestic constraint it applies to whatever its strategy
    # says. Each records a line of the transcript when it binds.
    def keep_to_win_set(self, terms: np.ndarray) -> np.ndarray:
        """The proposal ``terms`` as this government makes it: pulled into its win-set if it
        anticipates ratification (model.ratification), else unchanged."""
        ...

    def vetoes_at_table(self, offer: Offer) -> bool:
        """Whether this government must turn ``offer`` down at the table because it anticipates
        ratification and home would not ratify it."""
        ...
