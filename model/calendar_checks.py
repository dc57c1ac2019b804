"""Checks of the calendar's settings: no setting that can have no effect passes silently.

Part of a scenario's cross-reference checks (:func:`model.references.check_references` calls
:func:`check_calendar`). A setting that cannot act in the scenario it is given in — ``max_rounds``
on a dated calendar it does not cut, a deadline moved by days to a date no round falls before, a
rule's parameter the other rule reads, an extension a hard deadline cannot have — is an error
(:class:`~model.errors.ScenarioError`, exit status 2 on the command line). One that is legitimate
but inert here — an extension of the last deadline with no round after it, a cadence with no
deadline ahead of it, a threat that falls after the talks can last — is a
:class:`~model.errors.ScenarioWarning`: one line on stderr, and the run goes on.
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import TYPE_CHECKING

from bargaining_chips.model.calendar import final_date, index_on, round_cap, rounds_of
from bargaining_chips.model.errors import ScenarioError, ScenarioWarning
from bargaining_chips.model.scenario import MAX_ROUNDS

if TYPE_CHECKING:
    from bargaining_chips.model.scenario import DeadlineSpec, Scenario


def warn(source: str, field: str, text: str) -> None:
    """Emit a :class:`ScenarioWarning` (the command line prints it as one line)."""
    warnings.warn(ScenarioWarning(source, field, text), stacklevel=3)


def check_calendar(spec: Scenario) -> None:
    """Errors for settings that cannot act; warnings for those inert in this scenario."""
    src, cal = spec.origin, spec.calendar
    dated = bool(cal.rounds)
    cap = spec.protocol.max_rounds
    if dated and cap is not None and not cal.cadence_days and cap >= len(cal.rounds):
        raise ScenarioError(
            src, "protocol.max_rounds",
            f"{cap} rounds cap a dated calendar of {len(cal.rounds)}, so it has no effect; "
            "lower it, or set calendar.cadence_days so that rounds follow the last dated one")
    if not dated and (cal.cadence_days or cal.cadence_place):
        raise ScenarioError(src, "calendar.cadence_days",
                            "an undated scenario has no calendar to continue; give dated rounds")
    for name, d in spec.deadlines.items():
        _check_deadline(spec, name, d)
    rounds = rounds_of(spec) if dated else ()
    movable = any(d.kind == "soft" and d.extension_days for d in spec.deadlines.values())
    if dated:
        _check_moves(spec, rounds)
        until = final_date(spec)
        if cal.cadence_days and not movable and (until is None or until <= cal.rounds[-1].date):
            warn(src, "calendar.cadence_days",
                 "no deadline lies after the last dated round and none can be moved past it, so "
                 "no round follows at the cadence; move a deadline later or drop cadence_days")
    _check_last_extension(spec, rounds)
    for name, t in spec.threats.items():
        _check_threat(spec, name, t, rounds, movable)


def _check_deadline(spec: Scenario, name: str, d: DeadlineSpec) -> None:
    src, where = spec.origin, f"deadlines.{name}"
    given = d.model_fields_set
    if d.owner is not None and d.owner not in spec.actors:
        raise ScenarioError(src, f"{where}.owner",
                            f"unknown actor {d.owner!r}; expected one of {', '.join(spec.actors)}")
    defaults = {"rule": "probability", "extension_probability": 0.0, "margin": 0.0,
                "extension_days": None, "max_extensions": 1}
    moving = [k for k, v in defaults.items() if k in given and getattr(d, k) != v]
    if d.kind == "hard" and moving == ["extension_probability"]:  # what old files may say
        warn(src, f"{where}.extension_probability",
             'a hard deadline never moves, so it has no effect; drop it, or kind = "soft"')
    elif d.kind == "hard" and (moving or d.owner is not None or d.cost):
        field = (moving or ["owner" if d.owner is not None else "cost"])[0]
        raise ScenarioError(src, f"{where}.{field}",
                            "a hard deadline never moves and has no owner; drop it, or make the "
                            'deadline kind = "soft"')
    if d.kind == "target":
        moving = [k for k in moving if k != "extension_probability"]  # its chance of slipping
        if moving:
            raise ScenarioError(src, f"{where}.{moving[0]}",
                                'a target is missed, not moved; drop it, or make it kind = "soft"')
        if d.cost and d.owner is None:
            raise ScenarioError(src, f"{where}.owner",
                                "missing: a target's cost falls on the side that set it; name it")
        return
    if d.kind == "soft" and d.cost:
        raise ScenarioError(src, f"{where}.cost",
                            'only a target has a cost of missing it; drop it, or kind = "target"')
    if d.kind != "soft":
        return
    if d.rule == "strategic":
        if d.owner is None:
            raise ScenarioError(src, f"{where}.owner",
                                "missing: the strategic rule is its owner's; name the owner")
        if spec.actors[d.owner].kind != "government":
            raise ScenarioError(src, f"{where}.owner",
                                f"{d.owner} is not a government; the strategic rule weighs the "
                                "offers at the table")
        if d.extension_probability:
            warn(src, f"{where}.extension_probability",
                 'the strategic rule does not draw, so it has no effect; drop it, or rule = '
                 '"probability"')
    elif d.margin:
        warn(src, f"{where}.margin",
             'only the strategic rule reads a margin, so it has no effect; drop it, or rule = '
             '"strategic"')
    if d.extension_days is None:
        if "max_extensions" in given:
            raise ScenarioError(src, f"{where}.max_extensions",
                                "a deadline extended to the next one moves once; give "
                                "extension_days to move it by days, or drop max_extensions")
        if d.rule == "strategic":
            raise ScenarioError(src, f"{where}.extension_days",
                                "missing: how far the owner moves the deadline, in days")
        return
    if d.date is None:
        raise ScenarioError(src, f"{where}.extension_days",
                            "an undated deadline moves to the next one; give a date to move it "
                            "by days")
    if d.owner is None:
        raise ScenarioError(src, f"{where}.owner",
                            "missing: a deadline moved by days needs the actor who moves it")


def _check_moves(spec: Scenario, rounds: tuple) -> None:
    """A move by days must reach a round the first time it is made."""
    cadence, cap = spec.calendar.cadence_days, round_cap(spec)
    for name, d in spec.deadlines.items():
        if d.kind != "soft" or d.extension_days is None or d.date is None:
            continue
        new_date = d.date + dt.timedelta(days=d.extension_days)
        now = index_on(rounds, d.date, cadence, cap)
        if index_on(rounds, new_date, cadence, cap) > now:
            continue
        if index_on(rounds, new_date, cadence, MAX_ROUNDS) > index_on(rounds, d.date, cadence,
                                                                      MAX_ROUNDS):
            warn(spec.origin, f"deadlines.{name}.extension_days",
                 f"protocol.max_rounds ({cap}) leaves no round for the deadline to move to, so "
                 "the move has no effect; raise max_rounds to let the owner move it")
        else:
            raise ScenarioError(
                spec.origin, f"deadlines.{name}.extension_days",
                f"no round falls in the {d.extension_days} days the deadline moves by, so the move "
                "has no effect; move it further, add a dated round, or set calendar.cadence_days")


def _check_last_extension(spec: Scenario, rounds: tuple) -> None:
    """Extending the last deadline to "the next one" when no round follows it does nothing."""
    deadlines = [(n, d) for n, d in spec.deadlines.items() if d.kind != "target"]
    if not deadlines:
        return
    n_rounds = len(rounds) if rounds else spec.protocol.max_rounds

    def index(d: DeadlineSpec) -> int:
        if d.date is not None:
            return max(i for i, r in enumerate(rounds) if r.date <= d.date)
        return min(d.round, n_rounds) - 1

    name, last = max(deadlines, key=lambda nd: (index(nd[1]), nd[1].date or dt.date.min))
    if (last.kind == "soft" and last.extension_days is None and last.rule == "probability"
            and last.extension_probability > 0 and index(last) >= n_rounds - 1):
        warn(spec.origin, f"deadlines.{name}.extension_probability",
             "the last deadline falls on the last round, so an extension to the next deadline has "
             "nowhere to go and plays as no extension; give extension_days (and "
             "calendar.cadence_days) to let its owner move it")


def _check_threat(spec: Scenario, name: str, t, rounds: tuple, movable: bool) -> None:  # noqa: ANN001
    src, where = spec.origin, f"threats.{name}"
    issue = spec.issues.get(t.issue)
    if issue is None:
        raise ScenarioError(src, f"{where}.issue",
                            f"unknown issue {t.issue!r}; expected one of {', '.join(spec.issues)}")
    if issue.categorical:
        raise ScenarioError(src, f"{where}.issue",
                            "a threat moves a number; this issue is categorical")
    if not issue.min <= t.no_deal <= issue.max:
        raise ScenarioError(src, f"{where}.no_deal",
                            f"{t.no_deal:g} is outside the issue's range [{issue.min:g}, "
                            f"{issue.max:g}]; widen the issue's range or threaten less")
    if t.by is not None and t.by not in spec.actors:
        raise ScenarioError(src, f"{where}.by",
                            f"unknown actor {t.by!r}; expected one of {', '.join(spec.actors)}")
    if t.date is not None and not rounds:
        raise ScenarioError(src, f"{where}.date", "an undated scenario needs round = N")
    if t.round is not None and rounds:
        raise ScenarioError(src, f"{where}.round", "a dated scenario needs date = YYYY-MM-DD")
    if t.no_deal == issue.no_deal and not any(
            o.issue == t.issue and o is not t for o in spec.threats.values()):
        warn(src, f"{where}.no_deal",
             f"the threat leaves {t.issue}'s no-deal value where it is ({t.no_deal:g}); "
             "threaten another value")
    if t.date is not None and rounds and not movable and t.date > rounds[-1].date:
        warn(src, f"{where}.date",
             f"{t.date} is after the last round the talks can reach ({rounds[-1].date}), so the "
             "threat never falls due; date it earlier or let a deadline move")
    if t.round is not None and not rounds and t.round > (spec.protocol.max_rounds or 0):
        raise ScenarioError(src, f"{where}.round",
                            f"round {t.round} does not exist: the talks have "
                            f"{spec.protocol.max_rounds} rounds")
