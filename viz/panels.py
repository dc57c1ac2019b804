"""What each dashboard panel shows, prepared from a model's own records (no Solara, no drawing).

Every function takes a :class:`~model.NegotiationModel` as it stands after some rounds and returns
plain data; :mod:`viz.figures` draws it and :mod:`viz.app` lays it out. The wording of the round
log is the transcript's own (:func:`experiments.report.transcript.round_lines`), and the dance and
utility-space tables are the report plots' own (:mod:`experiments.report.plots`), so the page, the
printed transcript and the saved plots tell the same story.

The coalition network
---------------------
The network's nodes are all the actors, at positions fixed once per scenario
(:func:`network_layout`: a circle, each government with its firms beside it), so that nodes never
move between rounds or across resets and the class can follow them. Coalitions, their stance and
issue, and the alignment edges are the model's own (:mod:`model.coalitions`), as are the lobbying
pushes drawn over them (:mod:`model.lobbying`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bargaining_chips.experiments.report import plots, transcript

if TYPE_CHECKING:
    import pandas as pd

    from bargaining_chips.model.negotiation import NegotiationModel


@dataclass(frozen=True)
class IssueLine:
    """One issue of the offer on the table, in the issue's own units."""

    issue: str
    label: str
    value: float
    shown: str  # the value in the issue's display format, e.g. "12.5%"
    no_deal: str  # the no-deal value in the same format


@dataclass(frozen=True)
class Stand:
    """How one government stands to the offer: its utility, and (for a responder) its answer and
    the utility it asked for when judging the offer (its acceptance threshold, None if its
    strategy has none)."""

    government: str
    utility: float
    role: str  # "proposer" or "responder"
    answer: str | None = None  # "accept" | "reject" | "walk_away"
    threshold: float | None = None
    reservation: float = 0.0


@dataclass(frozen=True)
class RoundSummary:
    """The current round's card: when, who proposed what, how each side stands, how talks stand."""

    round_no: int | None  # the last round played; None before the first
    date: str | None  # ISO date of that round (None for undated scenarios or before the first)
    heading: str  # "Fri 23 May 2025 · Round 3 · Washington", from the transcript
    proposer: str | None
    terms: tuple[IssueLine, ...]
    stands: tuple[Stand, ...]
    status: str  # one sentence: talks go on (next round ...), agreement, or no deal and why
    finished: bool
    agreement: bool


def _pretty_date(date: dt.date | None) -> str:
    return f"{date:%d %b %Y}" if date else ""


def status_line(model: NegotiationModel) -> str:
    """How the talks stand, in one sentence, from ``model.outcome`` and the calendar."""
    out = model.outcome
    if out is None:
        nxt = model.rounds[model.round_index] if model.round_index < len(model.rounds) else None
        if nxt is None:
            return "The calendar has no more rounds."
        when = f" on {_pretty_date(nxt.date)}" if nxt.date else ""
        label = (
            f" ({nxt.label})"
            if nxt.label and nxt.date and nxt.label != f"Round {nxt.number}"
            else ""
        )
        return f"Talks go on: round {nxt.number}{when}{label} is next."
    rnd = model.rounds[out.round_index]
    when = f" on {_pretty_date(rnd.date)}" if rnd.date else ""
    if out.agreement:
        return f"Agreement in round {rnd.number}{when}."
    why = transcript.why_no_deal(model)
    return f"No deal in round {rnd.number}{when}: {why}."


def round_summary(model: NegotiationModel) -> RoundSummary:
    """The card of the last round played (or of the talks before the first round)."""
    setup = model.setup
    names = setup.actor_names
    finished = model.outcome is not None
    agreement = bool(finished and model.outcome.agreement)
    if not model.rows:
        first = model.rounds[0]
        return RoundSummary(
            round_no=None,
            date=None,
            heading=(
                f"Before round 1 ({transcript.round_heading(model, first.number)})"
                if first.date
                else "Before round 1"
            ),
            proposer=None,
            terms=(),
            stands=(),
            status=status_line(model),
            finished=finished,
            agreement=agreement,
        )
    row = model.rows[-1]
    terms = tuple(
        IssueLine(
            issue=name,
            label=issue.label,
            value=float(row[name]),
            shown=issue.render(float(row[name])),
            no_deal=issue.render(issue.no_deal),
        )
        for name, issue in model.spec.issues.items()
    )
    stands = []
    for g in setup.governments:
        who = names[g]
        if who == row["proposer"]:
            stands.append(
                Stand(
                    who, float(row[f"u_{who}"]), "proposer", reservation=float(model.reservation[g])
                )
            )
        else:
            threshold = row["thresholds"].get(who)
            stands.append(
                Stand(
                    who,
                    float(row[f"u_{who}"]),
                    "responder",
                    answer=row["responses"].get(who),
                    threshold=None if threshold is None else float(threshold),
                    reservation=float(model.reservation[g]),
                )
            )
    return RoundSummary(
        round_no=int(row["round"]),
        date=row["date"],
        heading=transcript.round_heading(model, int(row["round"])),
        proposer=row["proposer"],
        terms=terms,
        stands=tuple(stands),
        status=status_line(model),
        finished=finished,
        agreement=agreement,
    )


def round_log(model: NegotiationModel, round_no: int | None = None) -> list[str]:
    """The transcript's lines for one round (default: the last played), without its heading."""
    if round_no is None:
        round_no = len(model.rows)
    if round_no < 1:
        return []
    lines = transcript.round_lines(model, round_no)[1:]
    return [line[2:] if line.startswith("  ") else line for line in lines]


def calendar_events(model: NegotiationModel) -> list[str]:
    """Every move of the calendar so far — a target missed, a deadline moved by its owner (or
    left to end the talks), a threat carried out or not — one line each, "round N: …", in the
    transcript's words (the same sentence the transcript tells)."""
    from bargaining_chips.model import events as ev

    out = []
    for e in model.events:
        if isinstance(e, ev.TargetMissed | ev.DeadlineMoved | ev.DeadlinePassed):
            text = transcript.deadline_sentence(model, e)
        elif isinstance(e, ev.ThreatResolved):
            text = transcript.event_sentence(model, e)
        else:
            continue
        out.append(f"round {model.rounds[e.round_index].number}: {text}")
    return out


def dance_table(model: NegotiationModel) -> pd.DataFrame:
    """Both governments' utility of every offer so far (the report's own table)."""
    return plots.dance_table(model)


def calendar_ticks(model: NegotiationModel) -> list[tuple[int, str]]:
    """(round number, short label) for every round of the calendar: "16 Apr", or "3" if undated."""
    return [(r.number, f"{r.date:%d %b}" if r.date else str(r.number)) for r in model.rounds]


def utility_space(model: NegotiationModel) -> dict:
    """Offers, Pareto frontier, Nash point, reservation point and agreement in the two
    governments' utility space (the report's own table; frontier under the current weights)."""
    return plots.utility_space_table(model)


# -- coalitions -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Group:
    """One coalition of the snapshot: its stable id (it keeps its colour over the rounds), its
    members, what it pushes for (pro-deal / anti-deal / undecided) and the issue at stake."""

    id: int
    members: tuple[str, ...]
    stance: str
    issue: str


@dataclass(frozen=True)
class CoalitionNetwork:
    """The coalition network shown for the current round, ready to draw.

    Read from the model's coalition tracker (:mod:`model.coalitions`): its latest snapshot, which
    is the graph as the last round played opened (on the offer then on the table, before lobbying:
    the coalitions that drove that round's lobbying), or the final graph once the talks ended.
    ``alignment`` holds the edges A_ij ≥ τ that join coalitions, ``lobbying`` each firm's push on
    its home government that round (its intensity η after the coalition boost).
    """

    actors: tuple[str, ...]
    kinds: dict[str, str]
    power: dict[str, float]
    coalition: dict[str, int]  # actor -> its group's id
    groups: tuple[Group, ...]
    alignment: tuple[tuple[str, str, float], ...]
    lobbying: tuple[tuple[str, str, float], ...]
    caption: str  # which graph this is, in words
    source: str  # "table", "final", or "none" before any offer was on the table


def network_layout(model: NegotiationModel) -> dict[str, tuple[float, float]]:
    """Fixed node positions for the scenario: every actor on a unit circle, each government at
    the centre of its own arc (the first on the left) with its firms beside it, alternately above
    and below. A pure function of the scenario, with no random draw, so positions hold across
    rounds, resets and seeds. On a circle no edge between two actors runs through a third, and
    every edge that crosses the middle is one across the border.

    (The report's coalition plots lay a finished run out by its mean alignment instead, which a
    live page cannot know in advance.)
    """
    setup = model.setup
    names = setup.actor_names
    governments = list(setup.governments)
    arc = 2 * np.pi / len(governments)
    pos: dict[str, tuple[float, float]] = {}
    for k, g in enumerate(governments):
        centre = np.pi + k * arc  # the first government on the left
        firms = [f for f in setup.firms if setup.home[f] == g]
        step = 0.9 * arc / (len(firms) + 1) if firms else 0.0
        offsets = [0.0] + [(-1) ** j * step * (j // 2 + 1) for j in range(len(firms))]
        for actor, offset in zip([g, *firms], offsets, strict=True):
            angle = centre + offset
            pos[names[actor]] = (float(np.cos(angle)), float(np.sin(angle)))
    return pos


def coalition_network(model: NegotiationModel) -> CoalitionNetwork:
    """The coalitions, alignment edges and lobbying pushes of the current round."""
    setup = model.setup
    names = setup.actor_names
    kinds = {n: model.spec.actors[n].kind for n in names}
    power = {n: float(setup.lobbying_power[i]) for i, n in enumerate(names)}
    tracker = model.coalition_tracker
    snap = tracker.current
    if snap is None:
        return CoalitionNetwork(
            actors=names, kinds=kinds, power=power, coalition=dict.fromkeys(names, -1),
            groups=(), alignment=(), lobbying=(), source="none",
            caption="No offer on the table yet: everyone stands alone.",
        )  # fmt: skip
    coalitions = tracker.history()[-1]
    issues = model.spec.issues
    groups = tuple(
        Group(
            id=c.id,
            members=tuple(names[i] for i in c.members),
            stance=c.stance,
            issue=issues[setup.space.issue_names[c.issue]].label,
        )
        for c in coalitions
    )
    coalition = {m: g.id for g in groups for m in g.members}
    threshold = tracker.cs.threshold
    alignment = tuple(
        (names[a], names[b], float(snap.align[a, b]))
        for a in range(len(names))
        for b in range(a + 1, len(names))
        if snap.align[a, b] >= threshold
    )
    if snap.phase == "final":
        caption = "After the talks ended, on the " + (
            "agreed terms."
            if model.outcome is not None and model.outcome.agreement
            else "last offer."
        )
    elif not snap.gains.any():
        caption = f"As round {snap.round_no} opened: no offer on the table yet, everyone alone."
    else:
        caption = f"As round {snap.round_no} opened, on round {snap.round_no - 1}'s offer."
    round_no = snap.round_no if snap.phase == "table" else len(model.rows)
    lobbying = tuple(
        (m.firm, m.government, float(m.intensity))
        for m in model.lobby_moves
        if m.round_no == round_no and m.intensity > 0
    )
    return CoalitionNetwork(
        actors=names, kinds=kinds, power=power, coalition=coalition, groups=groups,
        alignment=alignment, lobbying=lobbying, caption=caption, source=snap.phase,
    )  # fmt: skip


@dataclass(frozen=True)
class BeliefLine:
    """What one government believes of another now (under private information), next to the
    truth: the issue weights in issue order, the reservation, and the accuracy measures."""

    believer: str
    about: str
    model: str
    issues: tuple[str, ...]  # the issues' labels
    weights: tuple[float, ...]
    true_weights: tuple[float, ...]
    reservation: float
    true_reservation: float
    kendall_tau: float | None
    weight_distance: float
    round_no: int | None  # the round of the offer it last learned from (None: the prior)


def belief_lines(model: NegotiationModel) -> list[BeliefLine]:
    """Each government's latest belief about each other government (empty under complete
    information): the records of :mod:`model.information`, the prior before any offer."""
    beliefs = getattr(model, "beliefs", None)
    if beliefs is None:
        return []
    from bargaining_chips.agents.opponents import kendall_tau, weight_distance

    setup = model.setup
    names = setup.actor_names
    labels = tuple(issue.label for issue in model.spec.issues.values())
    latest = {(r.believer, r.about): r for r in beliefs.records}
    out = []
    for g in setup.governments:
        for o in setup.governments:
            if o == g:
                continue
            rec = latest.get((names[g], names[o]))
            if rec is not None:
                tau = None if rec.kendall_tau != rec.kendall_tau else rec.kendall_tau
                out.append(BeliefLine(rec.believer, rec.about, rec.model, labels, rec.weights,
                                      rec.true_weights, rec.reservation, rec.true_reservation,
                                      tau, rec.weight_distance, rec.round_no))
                continue
            prefs, reservation = beliefs.view_of(g)
            w, truth = prefs.weights[o], model.weights[o]
            tau = kendall_tau(w, truth)
            out.append(BeliefLine(
                names[g], names[o], beliefs.model_of(g, o).name, labels, tuple(w.tolist()),
                tuple(truth.tolist()), float(reservation[o]), float(model.reservation[o]),
                None if tau != tau else tau, weight_distance(w, truth), None))
    return out
