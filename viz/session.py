"""One browser session's run of the talks, in the form Mesa's SolaraViz drives.

SolaraViz steps a ``mesa.Model`` and, on Reset, builds a new one by calling its class with the
controls' values as keyword arguments. :class:`DashboardModel` is that model: it turns the values
(seed and ``--set``-style dotted paths, see :mod:`viz.controls`) into a validated scenario and runs
one :class:`~model.NegotiationModel` on it. A combination of values the scenario rejects (a strategy
floor above its start, a seed that is not a whole number) does not raise: the model keeps the
scenario's one-line explanation in :attr:`DashboardModel.problem`, does not run, and the page shows
the explanation instead of a stack trace. A fault inside the model is reported the same way (and
logged in full on the server).

Every model a session discards must be released (:func:`release`): Mesa 3.3 keeps each model
alive in the class-level ``mesa.Agent._ids`` registry, so a hundred Step/Reset cycles would
otherwise keep a hundred models in memory.
"""

from __future__ import annotations

import logging
from typing import Any

import mesa

from bargaining_chips.model import NegotiationModel, ScenarioError, load_scenario
from bargaining_chips.model.loader import DEFAULT_SCENARIO
from bargaining_chips.viz.controls import overrides_from

logger = logging.getLogger(__name__)


def parse_seed(value: Any) -> int:
    """A seed from the seed box: a whole number ≥ 0, given as int or text; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"seed {value!r}: expected a whole number such as 0 or 42")
    if isinstance(value, int):
        seed = value
    else:
        text = str(value).strip()
        if not text.isdigit():
            raise ValueError(f"seed {text!r}: expected a whole number such as 0 or 42")
        seed = int(text)
    if seed < 0:
        raise ValueError(f"seed {seed}: expected a whole number ≥ 0")
    return seed


class DashboardModel(mesa.Model):
    """The talks for one set of control values, or the reason they cannot run.

    ``scenario_name`` is a bundled scenario's name or a path; ``seed`` the run's seed (int or text
    from the seed box); every other keyword is a dotted override path and its value (collected in
    ``**kwargs``, the one name Mesa 3.3's SolaraViz accepts for open keywords). Mesa 3.5's
    SolaraViz also passes its own experiment object as ``scenario`` on Reset; it carries nothing of
    ours and is ignored (the talks' scenario is ``scenario_name``).

    Attributes: ``talks`` (the NegotiationModel, None when the values are rejected), ``problem``
    (the explanation, None when it runs), ``spec`` (the base scenario, unchanged by overrides),
    ``overrides`` (what differs from it), ``seed_value``.
    """

    def __init__(
        self,
        scenario_name: str = DEFAULT_SCENARIO,
        seed: int | str = 0,
        scenario: object = None,
        **kwargs: Any,
    ) -> None:
        self.problem: str | None = None
        self.talks: NegotiationModel | None = None
        self.scenario_name = scenario_name
        self.spec = load_scenario(scenario_name)
        self.overrides = overrides_from(kwargs, self.spec)
        try:
            self.seed_value = parse_seed(seed)
        except ValueError as err:
            self.seed_value = None
            self.problem = str(err)
        super().__init__(rng=self.seed_value or 0)
        if self.problem is None:
            try:
                spec = load_scenario(scenario_name, self.overrides)
                self.talks = NegotiationModel(spec, self.seed_value)
            except ScenarioError as err:
                self.problem = f"{err.field}: {err.expected}" if err.field else str(err)
            except Exception as err:  # a fault of the model, not of the settings: say so, log it
                logger.exception("the model could not be built with %s", self.overrides)
                self.problem = f"the model could not be built ({type(err).__name__}: {err})"
        self.running = self.talks is not None and self.talks.running

    def step(self) -> None:
        """Play the next round (nothing once the talks have ended or cannot run).

        A fault inside the model stops the run with its explanation on the page and the full
        traceback in the server's log, instead of a stack trace in the class's browser.
        """
        if self.talks is None or not self.talks.running:
            self.running = False
            return
        try:
            self.talks.step()
        except Exception as err:
            round_no = self.talks.round_index + 1
            logger.exception("the model failed in round %d with %s", round_no, self.overrides)
            self.problem = f"the model failed in round {round_no} ({type(err).__name__}: {err})"
            self.talks.release()
            self.talks = None
            self.running = False
            return
        self.running = self.talks.running

    def release(self) -> None:
        """Drop Mesa 3.3's class-level references to this model and its talks."""
        if self.talks is not None:
            self.talks.release()
        registry = getattr(mesa.Agent, "_ids", None)
        if registry is not None:
            registry.pop(self, None)


def release(model: object) -> None:
    """Release a discarded model (any object; only DashboardModels hold anything)."""
    if isinstance(model, DashboardModel):
        model.release()
