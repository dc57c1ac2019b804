"""Facts: dated observations of the talks, checked against a run's own records.

A facts file (TOML) lists what was observed by a date, each observation with its ``source``::

    [meta]
    name = "public_by_28_may_2025"
    as_of = 2025-05-28                 # no fact may be dated after it

    [[facts]]
    id = "no_deal_round3"
    kind = "no_deal"                   # no agreement in any round on or before the date
    date = 2025-05-23
    source = "Akazawa 'completed the third round' without a deal (seed article, 28 May 2025)"

    [[facts]]
    id = "japan_opening_auto"
    kind = "offer"                     # the actor's offer on the issue in that round
    actor = "Japan"
    issue = "auto_tariff"
    round = 1                          # or date = 2025-04-16 (a round's date)
    band = [2.5, 10.0]                 # inside [low, high]; or value = 2.5 with tolerance = 2.5
    source = "…"

Kinds (``date`` or ``round`` says *when*: the round of an offer or an answer, the last day
counted for the others):

- ``no_deal`` — no agreement in a round on or before the date;
- ``offer`` — ``actor`` proposed in that round, its value on ``issue`` inside the ``band``
  (or ``value`` ± ``tolerance``): numeric issues only;
- ``answer`` — ``actor`` answered an offer of that round with ``answer`` (``accept``,
  ``reject`` or ``walk_away``) at the table (``where = "table"``, the default), or its home
  voted on a deal that round and passed it (``accept``) or turned it down (``reject``)
  (``where = "home"``);
- ``deadline`` — ``deadline`` was moved by its owner on or before the date (``moved = true``),
  or not (``moved = false``);
- ``walk_away`` — a government (``actor``, or any) walked away on or before the date
  (``happened = true``, the default), or none did (``happened = false``).

A fact is checked against a run's records — its per-offer rows and its typed events
(:mod:`model.events`) — not its summary, while the run steps (:class:`FactChecker`): a fact is
decided as soon as no later round can change it, so a run that breaks one can stop there.

Bad facts (an unknown actor, issue, deadline or kind, a date outside the calendar or after
``as_of``, a band that is not finite or empty, a file that is not UTF-8 TOML) raise
:class:`~model.errors.InputFileError`: one line naming the file, the field and the fix.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bargaining_chips.model import inputs
from bargaining_chips.model.errors import InputFileError
from bargaining_chips.model.events import DeadlineMoved, HomeVote, WalkedAway
from bargaining_chips.model.suggest import unknown_field

if TYPE_CHECKING:
    from bargaining_chips.model.negotiation import NegotiationModel
    from bargaining_chips.model.scenario import Scenario

KINDS = ("no_deal", "offer", "answer", "deadline", "walk_away")
ANSWERS = ("accept", "reject", "walk_away")
#: A fact's id names its column (``fact.<id>``) in a calibration's table.
ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,59}$"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Dated(_Frozen):
    """What every fact has: an id, where it was reported, and when (a date or a round number)."""

    id: str | None = Field(default=None, pattern=ID_PATTERN)
    source: str = Field(min_length=1, description="where the observation was reported")
    note: str = ""
    date: dt.date | None = None
    round: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _when(self) -> _Dated:
        if (self.date is None) == (self.round is None):
            raise ValueError("give exactly one of 'date' (a TOML date) or 'round' (its number)")
        if not self.source.strip():
            raise ValueError("'source' is empty; say where the observation was reported")
        return self


class NoDeal(_Dated):
    kind: Literal["no_deal"]


class OfferFact(_Dated):
    kind: Literal["offer"]
    actor: str
    issue: str
    band: tuple[float, float] | None = None
    value: float | None = None
    tolerance: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _band(self) -> OfferFact:
        if (self.band is None) == (self.value is None):
            raise ValueError("give 'band' = [low, high], or 'value' (with 'tolerance')")
        if self.band is not None:
            if self.tolerance is not None:
                raise ValueError("'tolerance' goes with 'value'; a 'band' is its own tolerance")
            low, high = self.band
            if not low <= high:
                raise ValueError(f"empty band [{low}, {high}]; need low <= high")
        return self

    @property
    def low_high(self) -> tuple[float, float]:
        if self.band is not None:
            return self.band
        tol = self.tolerance or 0.0
        return (self.value - tol, self.value + tol)  # type: ignore[operator]


class AnswerFact(_Dated):
    kind: Literal["answer"]
    actor: str
    answer: Literal["accept", "reject", "walk_away"]
    where: Literal["table", "home"] = "table"

    @model_validator(mode="after")
    def _home(self) -> AnswerFact:
        if self.where == "home" and self.answer == "walk_away":
            raise ValueError("a home vote passes ('accept') or fails ('reject'); it cannot walk away")
        return self


class DeadlineFact(_Dated):
    kind: Literal["deadline"]
    deadline: str
    moved: bool


class WalkAwayFact(_Dated):
    kind: Literal["walk_away"]
    actor: str | None = None
    happened: bool = True


BY_KIND = {"no_deal": NoDeal, "offer": OfferFact, "answer": AnswerFact, "deadline": DeadlineFact,
           "walk_away": WalkAwayFact}

Fact = Annotated[NoDeal | OfferFact | AnswerFact | DeadlineFact | WalkAwayFact,
                 Field(discriminator="kind")]


class FactsMeta(_Frozen):
    name: str = "facts"
    description: str = ""
    as_of: dt.date | None = None


class FactsFile(_Frozen):
    """A whole facts file (see the module docstring)."""

    meta: FactsMeta = FactsMeta()
    facts: tuple[Fact, ...] = Field(min_length=1)


# -- reading and checking against a scenario ------------------------------------------------------
@dataclass(frozen=True)
class Facts:
    """A validated facts file, each fact with its id (``fact<N>`` where none was given)."""

    name: str
    as_of: dt.date | None
    items: tuple[Any, ...]  # the pydantic fact models
    ids: tuple[str, ...]
    source: str

    def to_json(self) -> str:
        """The facts as one JSON text (how they travel to a sweep's workers and the manifest)."""
        return json.dumps({"name": self.name, "as_of": _iso(self.as_of), "source": self.source,
                           "facts": [dict(f.model_dump(mode="json"), id=i)
                                     for f, i in zip(self.items, self.ids, strict=True)]},
                          sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Facts:
        data = json.loads(text)
        parsed = FactsFile.model_validate({"meta": {"name": data["name"], "as_of": data["as_of"]},
                                           "facts": data["facts"]})
        return cls(data["name"], parsed.meta.as_of, parsed.facts,
                   tuple(f["id"] for f in data["facts"]), data["source"])

    @property
    def last_date(self) -> dt.date | None:
        """The latest date a fact names (None if every fact names a round)."""
        dates = [f.date for f in self.items if f.date is not None]
        return max(dates) if dates else None


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def load_facts(path: str | Path, scenario: Scenario) -> Facts:
    """Read a facts file and check every name, date and round against ``scenario``."""
    path = Path(path)
    return parse_facts(inputs.read_toml(path, "facts"), scenario, str(path))


def parse_facts(data: dict[str, Any], scenario: Scenario, source: str = "<facts>") -> Facts:
    """Validate a mapping (as read from TOML) into :class:`Facts` against ``scenario``."""
    inputs.check_tree(data, source)
    try:
        parsed = FactsFile.model_validate(data)
    except ValidationError as err:
        raise InputFileError(source, *_explain(err)) from None
    ids = []
    for i, fact in enumerate(parsed.facts):
        fid = fact.id or f"fact{i + 1}"
        if fid in ids:
            raise InputFileError(source, f"facts.{i}.id",
                                 f"id {fid!r} is used twice; give each fact its own id")
        ids.append(fid)
        _check_names(fact, scenario, source, f"facts.{i}")
        _check_when(fact, scenario, parsed.meta.as_of, source, f"facts.{i}")
    return Facts(parsed.meta.name, parsed.meta.as_of, parsed.facts, tuple(ids), source)


def _explain(err: ValidationError) -> tuple[str, str]:
    """A pydantic error → (field, what to do), as the scenario's messages read."""
    first = err.errors()[0]
    loc = list(first["loc"])
    branch = None
    if len(loc) >= 3 and loc[0] == "facts" and isinstance(loc[2], str) and loc[2] in KINDS:
        branch = BY_KIND[loc.pop(2)]  # the union's branch: not part of the path in the file
    where = ".".join(str(p) for p in loc) or "(top level)"
    kind = first["type"]
    if kind == "union_tag_invalid":
        tag = first.get("ctx", {}).get("tag")
        return where + ".kind", f"unknown kind {tag!r}; expected one of {', '.join(KINDS)}"
    if kind == "union_tag_not_found":
        return where + ".kind", f"missing; give the fact's kind, one of {', '.join(KINDS)}"
    if kind == "extra_forbidden":
        if branch is not None and len(loc) == 3:
            return where, unknown_field(branch, loc[2:], "the facts file (README, 'From facts to forecasts')")
        return where, unknown_field(FactsFile, loc, "the facts file (README, 'From facts to forecasts')")
    if kind == "missing":
        return where, "missing; this kind of fact needs it"
    if kind == "too_short" and where == "facts":
        return where, "no facts; add at least one [[facts]] table"
    return where, first["msg"].removeprefix("Value error, ")


def _one_of(name: str, known: Sequence[str], what: str) -> str:
    near = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    hint = f"did you mean {near[0]!r}?" if near else f"expected one of {', '.join(known)}"
    return f"unknown {what} {name!r}; {hint}"


def _check_names(fact: Any, scenario: Scenario, source: str, at: str) -> None:
    actors = list(scenario.actors)
    governments = list(scenario.governments)
    actor = getattr(fact, "actor", None)
    if actor is not None:
        if actor not in actors:
            raise InputFileError(source, f"{at}.actor", _one_of(actor, actors, "actor"))
        if actor not in governments:
            raise InputFileError(source, f"{at}.actor", f"{actor!r} is a firm; offers, answers and "
                                 f"walk-aways are a government's: one of {', '.join(governments)}")
    if fact.kind == "offer":
        issues = list(scenario.issues)
        if fact.issue not in issues:
            raise InputFileError(source, f"{at}.issue", _one_of(fact.issue, issues, "issue"))
        spec = scenario.issues[fact.issue]
        if getattr(spec, "options", None):
            raise InputFileError(source, f"{at}.issue", f"{fact.issue!r} is categorical; an "
                                 "offer fact needs a numeric issue")
        low, high = fact.low_high
        if high < spec.min or low > spec.max:
            raise InputFileError(source, f"{at}.band", f"[{low:g}, {high:g}] lies outside the "
                                 f"issue's range [{spec.min:g}, {spec.max:g}]; give a band "
                                 "that can hold an offer")
    if fact.kind == "deadline":
        names = list(scenario.deadlines)
        if fact.deadline not in names:
            raise InputFileError(source, f"{at}.deadline", _one_of(fact.deadline, names or ["(none)"],
                                                                  "deadline"))
        if scenario.deadlines[fact.deadline].kind == "target":
            raise InputFileError(source, f"{at}.deadline", f"{fact.deadline!r} is a target, which "
                                 "is missed, not moved; name a soft deadline")


def _check_when(fact: Any, scenario: Scenario, as_of: dt.date | None, source: str,
                at: str) -> None:
    from bargaining_chips.model.compiled import compile_scenario

    rounds = compile_scenario(scenario).rounds
    if fact.round is not None:
        if fact.round > len(rounds):
            raise InputFileError(source, f"{at}.round", f"round {fact.round} is past the calendar's "
                                 f"last round ({len(rounds)}); give 1 to {len(rounds)}")
        day = rounds[fact.round - 1].date
        if as_of is not None and day is not None and day > as_of:
            raise InputFileError(source, f"{at}.round", f"round {fact.round} falls on {day}, after "
                                 f"the file's as_of ({as_of}); a fact must be known by then")
        return
    dates = [r.date for r in rounds if r.date is not None]
    if not dates:
        raise InputFileError(source, f"{at}.date", "the scenario's rounds have no dates; "
                             "name the round by its number ('round = N')")
    if as_of is not None and fact.date > as_of:
        raise InputFileError(source, f"{at}.date", f"{fact.date} is after the file's as_of "
                             f"({as_of}); a fact must be known by then")
    last = max([*dates, *(d.date for d in scenario.deadlines.values() if d.date is not None)])
    if not dates[0] <= fact.date <= last:
        raise InputFileError(source, f"{at}.date", f"{fact.date} is outside the calendar "
                             f"({dates[0]} to {last}); give a date within it")
    if fact.kind in ("offer", "answer") and fact.date not in dates:
        shown = ", ".join(d.isoformat() for d in dates[:8])
        raise InputFileError(source, f"{at}.date", f"no round falls on {fact.date}; an "
                             f"{fact.kind} is made in a round: one of {shown}")


# -- checking a run ---------------------------------------------------------------------------------
def _counted(fact: Any, rnd: Any) -> bool:
    """Whether round ``rnd`` (a calendar Round) is on or before the fact's date or round."""
    if fact.round is not None:
        return rnd.number <= fact.round
    return rnd.date is not None and rnd.date <= fact.date


def _at(fact: Any, rnd: Any) -> bool:
    """Whether round ``rnd`` is the fact's round."""
    if fact.round is not None:
        return rnd.number == fact.round
    return rnd.date == fact.date


def decided(fact: Any, model: NegotiationModel) -> bool:
    """No round still to be played can change the fact: the talks are over, or the next round
    falls after its date (or round)."""
    if model.outcome is not None:
        return True
    r = model.round_index  # the next round's index
    if r >= len(model.rounds):
        return True
    return not _counted(fact, model.rounds[r])


def holds(fact: Any, model: NegotiationModel) -> bool:
    """Whether the run's records bear ``fact`` out (call once :func:`decided`)."""
    kind = fact.kind
    if kind == "no_deal":
        out = model.outcome
        return not (out is not None and out.agreement and _counted(fact, model.rounds[out.round_index]))
    if kind == "offer":
        value = offer_value(fact, model)
        if value is None:
            return False
        low, high = fact.low_high
        return low <= value <= high
    if kind == "answer":
        if fact.where == "home":
            want = fact.answer == "accept"
            return any(isinstance(e, HomeVote) and e.government == fact.actor and e.passed == want
                       and _at(fact, model.rounds[e.round_index]) for e in model.events)
        return any(row["responses"].get(fact.actor) == fact.answer
                   for row in _rows_at(fact, model))
    if kind == "deadline":
        moved = any(isinstance(e, DeadlineMoved) and e.deadline == fact.deadline
                    and _counted(fact, model.rounds[e.round_index]) for e in model.events)
        return moved == fact.moved
    # walk_away
    walked = any(isinstance(e, WalkedAway) and (fact.actor is None or e.actor == fact.actor)
                 and _counted(fact, model.rounds[e.round_index]) for e in model.events)
    return walked == fact.happened


def _rows_at(fact: Any, model: NegotiationModel) -> list[dict]:
    number = fact.round
    if number is None:
        number = next((r.number for r in model.rounds if r.date == fact.date), None)
    return [row for row in model.rows if row["round"] == number]


def offer_value(fact: Any, model: NegotiationModel) -> float | None:
    """The actor's offer on the fact's issue in the fact's round (None if it made none)."""
    for row in _rows_at(fact, model):
        if row["proposer"] == fact.actor:
            return float(row[fact.issue])
    return None


def distance(fact: Any, model: NegotiationModel, ranges: dict[str, float]) -> float:
    """How far the run is from the fact, in [0, 1]: 0 when it holds; for an offer, how far the
    value lies outside the band as a share of the issue's range (1 when no offer was made);
    1 for any other fact broken. The soft distance of ABC-SMC (a sum over facts)."""
    if fact.kind == "offer":
        value = offer_value(fact, model)
        if value is None:
            return 1.0
        low, high = fact.low_high
        gap = max(low - value, value - high, 0.0)
        return min(1.0, gap / ranges[fact.issue]) if ranges[fact.issue] > 0 else float(gap > 0)
    return 0.0 if holds(fact, model) else 1.0


class FactChecker:
    """Decides a run's facts while it steps: call :meth:`update` after each round; ``broken``
    names the first fact the run broke (None while none), ``verdicts`` holds each decided fact's
    truth, ``distances`` its :func:`distance`."""

    def __init__(self, facts: Facts, model: NegotiationModel) -> None:
        self.facts = facts
        self.model = model
        self.verdicts: dict[str, bool] = {}
        self.distances: dict[str, float] = {}
        self.broken: str | None = None
        self.broken_round: int | None = None
        space = model.spec.issues
        self._ranges = {name: float(i.max - i.min) for name, i in space.items()
                        if not getattr(i, "options", None)}

    def update(self) -> bool:
        """Decide every fact that no later round can change; returns whether all hold so far."""
        model = self.model
        for fact, fid in zip(self.facts.items, self.facts.ids, strict=True):
            if fid in self.verdicts or not decided(fact, model):
                continue
            d = distance(fact, model, self._ranges)
            ok = d == 0.0 if fact.kind == "offer" else holds(fact, model)
            self.verdicts[fid] = ok
            self.distances[fid] = d
            if not ok and self.broken is None:
                self.broken = fid
                self.broken_round = model.round_index  # rounds played when it was decided
        return self.broken is None

    @property
    def complete(self) -> bool:
        """Every fact decided."""
        return len(self.verdicts) == len(self.facts.ids)

    @property
    def accepted(self) -> bool:
        """Every fact decided, and every one holds."""
        return self.complete and self.broken is None

    @property
    def total_distance(self) -> float:
        """The sum of the decided facts' distances, plus 1 for each fact not decided."""
        undecided = len(self.facts.ids) - len(self.verdicts)
        return float(sum(self.distances.values()) + undecided)


def check_run(facts: Facts, model: NegotiationModel) -> FactChecker:
    """Check ``facts`` against a finished run (every fact is decided at its end)."""
    checker = FactChecker(facts, model)
    checker.update()
    return checker


__all__ = ["Facts", "FactChecker", "FactsFile", "KINDS", "check_run", "decided", "distance",
           "holds", "load_facts", "parse_facts"]
