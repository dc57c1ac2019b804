"""One draw of a calibration: a run checked against the facts while it steps, as a sweep's model.

:func:`simulate_draw` is the function a calibration's sweep studies (``f(params, seed) -> dict``,
as :func:`~bargaining_chips.experiments.single.run_once`): its parameters are the draw's ``--set``
paths, the scenario, and two constants that ride in every run of the sweep — the facts as JSON
(:data:`FACTS`, which the sweep's manifest records once and its rows do not) and whether a run
that breaks a fact stops there (:data:`STOP`). The run steps
one round at a time (``model.run(max_steps=1)``, the same rounds ``model.run()`` plays, so a draw
replayed with ``run.py run --seed S --set PATH=VALUE …`` has the same records), and after each
round the :class:`~.facts.FactChecker` decides the facts no later round can change. A run that
breaks one stops (with ``STOP``): that is what makes rejection ABC fast. A run that keeps them
all plays to its end, and its row holds what the forecast reads: the outcome, its date, the
agreed terms, and what happened to each deadline and target.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from bargaining_chips.experiments.calibrate.facts import FactChecker, Facts
from bargaining_chips.experiments.variants import variant
from bargaining_chips.model.events import DeadlineMoved, TargetMissed
from bargaining_chips.model.loader import DEFAULT_SCENARIO
from bargaining_chips.model.negotiation import NegotiationModel

#: The constants of a calibration's sweep: the facts (JSON) and whether a broken fact stops a run.
FACTS, STOP = "calibrate.facts", "calibrate.stop"


@functools.lru_cache(maxsize=8)
def _facts(text: str) -> Facts:
    return Facts.from_json(text)


def simulate(params: Mapping[str, Any], seed: int, facts: Facts,
             stop: bool = True) -> tuple[NegotiationModel, FactChecker]:
    """Play one draw (``params``: ``--set`` paths and an optional ``"scenario"``) round by round,
    checking ``facts``; returns the model (finished, or stopped at the round that broke a fact
    when ``stop``) and its checker."""
    overrides = dict(params)
    source = overrides.pop("scenario", DEFAULT_SCENARIO)
    # The scenario file is read once per worker; each draw's overrides are then applied and
    # validated as load_scenario(source, overrides) would (reading the TOML again for every draw
    # was half a bilateral draw's time), only the branches they touch validated again.
    model = NegotiationModel(variant(str(source), overrides), seed=seed, collect=False)
    checker = FactChecker(facts, model)
    for _ in range(model.setup.round_cap):  # the rounds model.run() would play, one by one
        if model.outcome is not None:
            break
        model.run(max_steps=1)
        if not checker.update() and stop:
            break
    checker.update()
    return model, checker


def row(model: NegotiationModel, checker: FactChecker) -> dict[str, Any]:
    """The table row of a draw: each fact's verdict (null if the run stopped before it was
    decided), acceptance and the facts' distance, and for a run that played to its end its
    outcome (agreement, round, date, terms, end reason) and its calendar (each soft deadline's
    moves and new date, each target missed or not)."""
    out: dict[str, Any] = {f"fact.{fid}": checker.verdicts.get(fid) for fid in checker.facts.ids}
    out.update(accepted=checker.accepted, distance=checker.total_distance,
               broken=checker.broken, finished=model.outcome is not None,
               rounds_played=model.round_index)
    outcome = model.outcome
    if outcome is None:
        return out
    rnd = model.rounds[outcome.round_index]
    names = model.setup.space.issue_names
    out.update(
        agreement=outcome.agreement,
        agreement_round=rnd.number if outcome.agreement else None,
        agreement_date=rnd.iso_date if outcome.agreement else None,
        end_reason=outcome.reason.value,
        end_date=rnd.iso_date,
    )
    values = model.setup.space.row_values(outcome.terms)
    for name, value in zip(names, values, strict=True):
        out[f"terms.{name}"] = (value if isinstance(value, str) else float(value)) \
            if outcome.agreement else None
    for name, d in model.spec.deadlines.items():
        if d.kind == "target":
            out[f"missed.{name}"] = any(isinstance(e, TargetMissed) and e.target == name
                                        for e in model.events)
            continue
        moves = [e for e in model.events if isinstance(e, DeadlineMoved) and e.deadline == name]
        out[f"moves.{name}"] = len(moves)
        out[f"moved_to.{name}"] = moves[-1].to_date.isoformat() if moves else None
    return out


def simulate_draw(params: Mapping[str, Any], seed: int) -> dict[str, Any]:
    """One draw of a calibration's sweep (see the module docstring) → its row."""
    params = dict(params)
    facts = _facts(params.pop(FACTS))
    stop = bool(params.pop(STOP, True))
    model, checker = simulate(params, seed, facts, stop)
    try:
        return row(model, checker)
    finally:
        model.release()


#: The facts are the calibration's, not a draw's: each sweep's manifest holds them once (its
#: ``config``), and a row does not (:func:`~..sweep.models.unrecorded`).
simulate_draw.unrecorded = frozenset({FACTS})
#: Columns that may be null, typed before the first run.
simulate_draw.outputs = {"agreement_round": "int64", "agreement_date": "date32[day]",
                         "end_date": "date32[day]", "broken": "string", "agreement": "bool",
                         "end_reason": "string"}
