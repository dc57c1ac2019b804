"""The human-readable story of a run: the dated transcript and the summary table.

Everything printed is read from the model's records — its rows, lobbying moves, coalition
snapshots and typed events (:mod:`bargaining_chips.model.events`); the model stores no words. The
wording lives here alone, so the command line, the files and the dashboard tell the same story.
Rounds are numbered from 1 here, where they are printed (0-based inside the model).
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING

from bargaining_chips.model import events as ev
from bargaining_chips.model.events import EndReason

if TYPE_CHECKING:
    from bargaining_chips.model.negotiation import NegotiationModel

VERBS = {"accept": "accepts", "reject": "rejects", "walk_away": "walks away"}


def format_terms(model: NegotiationModel, terms) -> str:
    """Terms in the issues' own units: "auto tariff 12.5%, chips ¥0.60T, ..."."""
    issues = model.spec.issues.values()
    return ", ".join(
        f"{i.label} {i.render(v if isinstance(v, str) else float(v))}"
        for i, v in zip(issues, terms, strict=True)
    )


def round_heading(model: NegotiationModel, round_no: int) -> str:
    rnd = model.rounds[round_no - 1]
    if rnd.date is None:
        return f"Round {round_no}"
    where = f" · {rnd.place}" if rnd.place else ""
    return f"{rnd.date:%a %d %b %Y} · {rnd.label or f'Round {round_no}'}{where}"


def round_lines(model: NegotiationModel, round_no: int) -> list[str]:
    """The transcript lines of one round (heading included)."""
    names = model.setup.actor_names
    lines = [round_heading(model, round_no)]
    lines.extend(f"  {text}" for text in coalition_lines(model, round_no))
    moves = [m for m in model.lobby_moves if m.round_no == round_no]
    by_gov = defaultdict(list)
    for m in moves:
        by_gov[m.government].append(m)
    for gov, ms in by_gov.items():
        if round_no == 1 or ms[0].judged is None:  # nothing to judge: who pushes for what
            pushes = "; ".join(f"{m.firm} for {model.spec.issues[m.issue].label}" for m in ms)
            waiting = "" if round_no == 1 else ", with no offer from the other side to judge yet"
            lines.append(f"  lobbying {gov}{waiting}: {pushes}{_deviation(gov, ms[0])}")
            continue
        judged_round, judged_by = ms[0].judged  # a government's firms judge the same offer
        lines.append(f"  lobbying {gov}, judging {judged_by}'s offer of round {judged_round}"
                     f"{_deviation(gov, ms[0])}:")  # then one short line per firm
        level = [m for m in ms if abs(m.stance) < 0.005 and not _backing(model, m)]
        lines.extend(
            f"    {m.firm} for {model.spec.issues[m.issue].label}, {_stance(m.stance)}"
            + _backing(model, m)
            for m in ms if m not in level
        )
        if level:
            firms = ", ".join(f"{m.firm} (for {model.spec.issues[m.issue].label})" for m in level)
            lines.append(f"    {_stance(0.0)}: {firms}")
    lines.extend(f"  {text}" for text in reservation_lines(model, round_no))
    lines.extend(f"  {text}" for text in extra_lines(model, round_no, "before"))
    for row in rows_of_round(model, round_no):
        terms = [row[n] for n in model.setup.space.issue_names]
        lines.append(f"  {row['proposer']} proposes: {format_terms(model, terms)}")
        worth = " · ".join(f"{names[g]} {row[f'u_{names[g]}']:.2f}" for g in model.setup.governments)
        lines.append(f"    worth to {worth}")
        lines.extend(f"  {answer_line(row, who)}" for who in row["responses"])
        lines.extend(f"    {text}" for text in belief_lines(model, round_no, row["proposer"]))
    lines.extend(f"  {text}" for text in extra_lines(model, round_no, "after"))
    for e in events_of_round(model, round_no):
        if isinstance(e, ev.DeadlinePassed | ev.DeadlineMoved | ev.TargetMissed):
            lines.append(f"  {deadline_sentence(model, e)}")
    return lines


def answer_line(row: dict, who: str) -> str:
    """A responder's answer to the offer of ``row`` with its reason: "US rejects (worth 0.41 to
    it < the 0.62 it asks for now)"; a responder with no threshold (a person) gets the worth."""
    value = row[f"u_{who}"]
    threshold = row["thresholds"].get(who)
    why = f"worth {value:.2f} to it"
    answer = row["responses"][who]
    if threshold is not None:
        enough = value >= threshold - 1e-12
        why += f" {'≥' if enough else '<'} the {threshold:.2f} it asks for now"
        if enough and answer == "reject":  # enough for it, not for its ratifiers: told next
            why += ", but it cannot sign it"
    return f"{who} {VERBS[answer]} ({why})"


def events_of_round(model: NegotiationModel, round_no: int) -> list[ev.Event]:
    """The typed events of round ``round_no`` (1-based), in the order they happened."""
    return [e for e in model.events if e.round_index == round_no - 1]


def deadline_of(model: NegotiationModel, name: str):
    """The target or deadline called ``name``, as it stands now (moved, if its owner moved it)."""
    return next(d for d in model.deadlines if d.name == name)


def deadline_sentence(model: NegotiationModel,
                      e: ev.DeadlinePassed | ev.DeadlineMoved | ev.TargetMissed) -> str:
    """The sentence told after a round's offers when a target or deadline falls on it."""
    if isinstance(e, ev.TargetMissed):
        d = deadline_of(model, e.target)
        text = f"⌛ {d.label}, the target, passes without a deal — a focal date missed, the talks go on"
        if e.owner is not None and e.reservation_after != e.reservation_before:
            text += (f"; {e.owner}, which set it, now settles for {e.reservation_after:.2f} "
                     f"instead of {e.reservation_before:.2f}")
        return text
    if isinstance(e, ev.DeadlineMoved):
        d = deadline_of(model, e.deadline)
        days = (e.to_date - e.from_date).days
        if e.rule == "strategic":
            why = (f"the best offer on the table is worth {e.worth:.2f} more to it than no "
                   f"deal, at least the margin of {d.margin:.2f}")
        else:
            why = f"it does so with probability {d.extension_probability:.2f}"
        rnd = model.rounds[e.to_index]
        return (f"⏱ {d.label} passes without a deal — {e.owner} moves it by {days} days to "
                f"{e.to_date:%a %d %b %Y} ({why}); the talks go on to round {rnd.number}, "
                f"{rnd.date:%a %d %b}")
    d = deadline_of(model, e.deadline)
    if e.hard:
        return f"⏱ {d.label}: a hard deadline — the talks end without a deal"
    if e.extended:
        return f"⏱ {d.label} passes without a deal — the talks are extended"
    if d.owner is not None and d.extension_days is not None:
        if d.moves >= d.max_extensions:
            return (f"⏱ {d.label} passes without a deal — {d.owner} has moved it as often as it "
                    "may, the talks end")
        return f"⏱ {d.label} passes without a deal — {d.owner} does not move it, the talks end"
    return f"⏱ {d.label} passes without a deal — no extension, the talks end"


def event_sentence(model: NegotiationModel, e: ev.Event) -> str | None:
    """The transcript's sentence for one event (None for those the transcript tells otherwise:
    a deadline, after the round; a walk-away, in the answers)."""
    names = model.setup.actor_names
    rs = model.setup.ratification
    if isinstance(e, ev.ElectionHeld):
        election = next(x for x in rs.elections if x.name == e.election)
        when = f" ({election.date:%d %b %Y})" if election.date else ""
        return (f"🗳 {election.label}{when}: {e.government}'s ratification threshold moves from "
                f"{e.threshold_before:.2f} to {e.threshold_after:.2f} of political weight")
    if isinstance(e, ev.KeptToWinSet):
        body = rs.constituencies[names.index(e.government)].body
        return (f"{e.government} keeps its offer to what {body} will ratify: "
                f"{changed_terms(model, e.before, e.after)}")
    if isinstance(e, ev.TableVeto):
        body = rs.constituencies[names.index(e.government)].body
        return (f"  … {e.government} cannot sign it: {body} would not ratify it "
                f"(approval {e.approval:.2f} < {e.threshold:.2f}; against: "
                f"{', '.join(e.against) or 'nobody'})")
    if isinstance(e, ev.HomeVote):
        body = rs.constituencies[names.index(e.government)].body
        cmp = "≥" if e.passed else "<"
        verdict = "ratified" if e.passed else "rejected"
        text = (f"{'✓' if e.passed else '✗'} {verdict} at home by {body}: approval "
                f"{e.approval:.2f} {cmp} {e.threshold:.2f} needed (against: "
                f"{', '.join(e.against) or 'nobody'})")
        return text if e.passed else text + " — the talks go on"
    if isinstance(e, ev.AnticipationBegins):
        body = rs.constituencies[names.index(e.government)].body
        return f"{e.government}'s negotiators will now offer and accept only what {body} will ratify"
    if isinstance(e, ev.NotMonotone):
        return f"{e.actor} may not withdraw a concession: its previous proposal stands"
    if isinstance(e, ev.Recognised):
        return f"{e.actor} is recognised to propose"
    if isinstance(e, ev.ThreatResolved):
        t = next(t for t in model.setup.threats if t.name == e.threat)
        issue = model.spec.issues[e.issue]
        who = t.by or "the threatening side"
        when = f" (from {t.date:%d %b %Y})" if t.date else ""
        if e.carried_out:
            return (f"⚠ {t.label}{when}: {who} carries out its threat — without a deal the "
                    f"{issue.label} is now {issue.render(e.no_deal_after)} instead of "
                    f"{issue.render(e.no_deal_before)} (credibility {t.credibility:.2f})")
        return (f"⚠ {t.label}{when}: {who} does not carry out its threat — without a deal the "
                f"{issue.label} stays {issue.render(e.no_deal_before)} "
                f"(credibility {t.credibility:.2f})")
    return None


def changed_terms(model: NegotiationModel, before, after) -> str:
    """"auto tariff 12.5% instead of 10%, …": the issues on which ``after`` differs."""
    issues = list(model.spec.issues.values())
    parts = [
        f"{issue.label} {issue.render(float(a))} instead of {issue.render(float(b))}"
        for issue, b, a in zip(issues, before, after, strict=True)
        if not math.isclose(a, b, rel_tol=0, abs_tol=1e-9)
    ]
    return ", ".join(parts)


#: Why the talks ended without a deal, in words (``{deadline}`` is the deadline's label).
NO_DEAL_WORDS = {
    EndReason.HARD_DEADLINE: "the hard deadline ({deadline}) passed",
    EndReason.NOT_EXTENDED: "the {deadline} deadline passed and was not extended",
    EndReason.WALKED_AWAY: "a government walked away",
    EndReason.CALENDAR_END: "the calendar ran out",
    EndReason.NO_CONCESSION: "neither side conceded",
}


def why_no_deal(model: NegotiationModel) -> str:
    """Why the finished talks ended without a deal, in words."""
    out = model.outcome
    deadline = next((d for d in model.deadlines if d.name == out.deadline), None)
    label = deadline.label if deadline else out.deadline
    return NO_DEAL_WORDS.get(out.reason, str(out.reason)).format(deadline=label)


def rows_of_round(model: NegotiationModel, round_no: int) -> list[dict]:
    """The records of one round: one per offer (two when both sides propose at once)."""
    return [row for row in model.rows if row["round"] == round_no]


def _deviation(gov: str, move) -> str:
    """" (18% of its weight moved off its own)": how far lobbying has bent the government's
    weights from its own, ½‖w − w⁰‖₁, after the round (nothing while under half a percent)."""
    if move.deviation < 0.005:
        return ""
    return f" ({move.deviation:.0%} of {gov}'s weight moved off its own)"


def _stance(stance: float) -> str:
    """What the other side's offer, the one a firm judges, is worth to it against no deal."""
    if abs(stance) < 0.005:
        return "no better off than without a deal"
    return f"{'better' if stance > 0 else 'worse'} off by {abs(stance):.2f} than without a deal"


def _backing(model: NegotiationModel, move) -> str:
    """", backed by X, Y (push ×1.6)" when coalition partners amplified a firm's push."""
    boost = getattr(move, "boost", 1.0)
    if boost < 1.005:
        return ""
    partners = coalition_partners(model, move.round_no, move.firm)
    return f", pushing ×{boost:.1f} with its coalition" if partners else ""


def coalition_partners(model: NegotiationModel, round_no: int, actor: str) -> list[str]:
    """The other members of ``actor``'s coalition when round ``round_no`` opened."""
    tracker = getattr(model, "coalition_tracker", None)
    if tracker is None or round_no > len(tracker.snapshots):
        return []
    snap = tracker.snapshots[round_no - 1]
    names = model.setup.actor_names
    me = names.index(actor)
    return [n for j, n in enumerate(names) if snap.labels[j] == snap.labels[me] and j != me]


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


STANCE_WORDS = {"pro-deal": "for it", "anti-deal": "against it", "undecided": "undecided"}


def describe_coalitions(model: NegotiationModel, coalitions) -> str:
    """"for it, chiefly over chips: US, NVIDIA, SoftBank [across the border] · alone: Toyota"."""
    names = model.setup.actor_names
    tracker = model.coalition_tracker
    issues = list(model.spec.issues.values())
    parts, alone = [], []
    for c in coalitions:
        if len(c.members) == 1:
            alone.append(names[c.members[0]])
            continue
        border = " [across the border]" if tracker.cross_border(c.members) else ""
        parts.append(f"{STANCE_WORDS[c.stance]}, chiefly over {issues[c.issue].label}: "
                     f"{', '.join(names[i] for i in c.members)}{border}")
    if alone:
        parts.append("alone: " + ", ".join(alone))
    return " · ".join(parts)


def coalition_lines(model: NegotiationModel, round_no: int) -> list[str]:
    """Who lines up with whom when round ``round_no`` opens, and who joined or left whom."""
    tracker = getattr(model, "coalition_tracker", None)
    if tracker is None or round_no > len(tracker.snapshots):
        return []
    k = round_no - 1
    snap = tracker.snapshots[k]
    if snap.phase != "table":
        return []
    if round_no == 1 and not snap.stance.any():
        return ["coalitions: none yet (no offer on the table to line up behind)"]
    history = tracker.history()
    now, prev = history[k], history[k - 1] if k else []
    if k and [c.members for c in now] == [c.members for c in prev]:
        return ["coalitions unchanged"]
    return [f"coalitions on the offer on the table — {describe_coalitions(model, now)}",
            *(f"  {t}" for t in coalition_changes(model, prev, now))]


def coalition_changes(model: NegotiationModel, prev, now) -> list[str]:
    """Plain-words changes between two partitions, matched by stable coalition ids."""
    names = model.setup.actor_names
    before = {c.id: set(c.members) for c in prev}
    after = {c.id: set(c.members) for c in now}

    def nm(members) -> list[str]:
        return [names[i] for i in sorted(members)]

    out = []
    for cid, members in after.items():
        old = before.get(cid)
        if old is None or len(old) == 1:
            if len(members) > 1:
                out.append(f"{_and(nm(members))} line up together")
            continue
        stay, joined, left = members & old, members - old, old - members
        if left and stay:
            out.append(f"{_and(nm(left))} {'leaves' if len(left) == 1 else 'leave'} "
                       f"{_and(nm(stay))}")
        if joined and stay and len(members) > 1:
            out.append(f"{_and(nm(joined))} {'joins' if len(joined) == 1 else 'join'} "
                       f"{_and(nm(stay))}")
    for cid, old in before.items():
        if cid not in after and len(old) > 1:
            out.append(f"the coalition of {_and(nm(old))} breaks up")
    return out


def reservation_lines(model: NegotiationModel, round_no: int) -> list[str]:
    """A government whose reservation utility lobbying moved in this round."""
    tracker = getattr(model, "coalition_tracker", None)
    if tracker is None or round_no >= len(tracker.snapshots):
        return []
    before = tracker.snapshots[round_no - 1].reservation
    after = tracker.snapshots[round_no].reservation
    names = model.setup.actor_names
    out = []
    for g in model.setup.governments:
        if abs(after[g] - before[g]) >= 0.005:
            verb = "will now settle for" if after[g] < before[g] else "now holds out for"
            out.append(f"{names[g]}, pressed by its firms, {verb} a deal worth {after[g]:.2f} to "
                       f"it (was {before[g]:.2f})")
    return out


def belief_lines(model: NegotiationModel, round_no: int, proposer: str) -> list[str]:
    """Under private information: what each other government now believes of ``proposer``, after
    learning from its offer of round ``round_no``, next to the truth (:mod:`model.information`)."""
    beliefs = getattr(model, "beliefs", None)
    if beliefs is None:
        return []
    labels = [issue.label for issue in model.spec.issues.values()]
    out = []
    for rec in beliefs.records:
        if rec.round_no != round_no or rec.about != proposer:
            continue
        ranked = sorted(range(len(labels)), key=lambda i: -rec.weights[i])[:3]
        top = ", ".join(f"{labels[i]} {rec.weights[i]:.2f} (true {rec.true_weights[i]:.2f})"
                        for i in ranked)
        tau = "—" if rec.kendall_tau != rec.kendall_tau else f"{rec.kendall_tau:.2f}"
        out.append(f"{rec.believer} now believes of {proposer} ({rec.model}): weighs most {top}; "
                   f"reservation {rec.reservation:.2f} (true {rec.true_reservation:.2f}); "
                   f"Kendall τ {tau}, weight distance {rec.weight_distance:.2f}")
    return out


def extra_lines(model: NegotiationModel, round_no: int, when: str) -> list[str]:
    """The sentences of the round's events that happen ``when`` ("before" or "after") its
    offers (:data:`~bargaining_chips.model.events.BEFORE_OFFERS`), in the order they happened."""
    before = when == "before"
    out = []
    for e in events_of_round(model, round_no):
        if isinstance(e, ev.BEFORE_OFFERS) == before:
            text = event_sentence(model, e)
            if text is not None:
                out.append(text)
    return out


def transcript(model: NegotiationModel) -> list[str]:
    """The whole dated transcript, one string per line."""
    spec = model.spec
    lines = [f"{spec.meta.get('title', spec.name)} — seed {model.seed}"]
    for d in model.setup.deadlines:  # as scheduled (moves are told in the rounds)
        when = d.date.isoformat() if d.date else f"round {d.index + 1}"
        lines.append(f"{'target' if d.target else 'deadline'}: {d.label}, {when} "
                     f"({deadline_terms(d)}){_binds(model, d)}")
    for t in model.setup.threats:
        issue = model.spec.issues[model.setup.space.issue_names[t.issue]]
        when = t.date.isoformat() if t.date else f"round {t.round_index + 1}"
        lines.append(f"threat: {t.label}, {when}: {t.by or 'a side'} threatens to make the "
                     f"{issue.label} without a deal {issue.render(t.no_deal)} "
                     f"(credibility {t.credibility:.2f})")
    lines.extend(two_level_header(model))
    lines.append("")
    for round_no in range(1, (model.rows[-1]["round"] if model.rows else 0) + 1):
        lines.extend(round_lines(model, round_no))
        lines.append("")
    return lines


def deadline_terms(d) -> str:  # noqa: ANN001 - a calendar Deadline
    """"soft, the US may move it by 30 days if …": how a target or deadline works, in words."""
    if d.target:
        by = f" set by {d.owner}" if d.owner else ""
        slips = (f", expected to slip with probability {d.extension_probability:.2f}"
                 if d.extension_probability else "")
        cost = f", it costs {d.owner} {d.cost:.2f} of its reservation" if d.cost else ""
        return f"a target{by}{slips}: missing it does not end the talks{cost}"
    if d.kind == "hard":
        return "hard"
    if d.extension_days is None:
        return f"soft, extended with probability {d.extension_probability:.2f}"
    times = "" if d.max_extensions == 1 else f", up to {d.max_extensions} times"
    if d.rule == "strategic":
        rule = (f"when the best offer on the table is worth at least {d.margin:.2f} more to it "
                "than no deal")
    else:
        rule = f"with probability {d.extension_probability:.2f}"
    return f"soft, {d.owner} may move it by {d.extension_days} days{times}, {rule}"


def _binds(model: NegotiationModel, d) -> str:  # noqa: ANN001 - a calendar Deadline
    """Where a dated deadline falls between rounds: the round it binds, if on another day."""
    if d.date is None or d.index >= len(model.rounds):
        return ""
    rnd = model.rounds[d.index]
    if rnd.date is None or rnd.date == d.date:
        return ""
    return f"; it binds in round {rnd.number}, {rnd.date:%a %d %b}, the last round on or before it"


NASH_NOTE = ("the product of the governments' gains over no deal: the Nash bargaining solution "
             "maximises it; 0 without a deal")
PARETO_NOTE = ("how far the governments' utilities fall short of the Pareto frontier (the best "
               "trade-offs): 0 means no other deal gives both more")


def summary_lines(model: NegotiationModel, result: dict) -> list[str]:
    """The summary table printed after the transcript."""
    setup, spec = model.setup, model.spec
    lines = ["Summary", "-------"]
    if result["agreement"]:
        rnd = model.rounds[result["agreement_round"] - 1]
        when = f"round {rnd.number}" + (f", {rnd.date:%d %b %Y} ({rnd.label})" if rnd.date else "")
        lines.append(f"outcome      agreement in {when}")
    else:
        lines.append(f"outcome      no deal after {result['rounds_played']} rounds ({result['end_reason']})")
    width = max(len(issue.label) for issue in spec.issues.values())
    lines.append("terms" + " " * (width + 3) + "agreed".rjust(10) + "no deal".rjust(10))
    final = model.outcome.terms
    for i, issue in enumerate(spec.issues.values()):
        agreed = issue.render(float(final[i])) if result["agreement"] else "—"
        lines.append(
            f"  {issue.label:<{width}}      {agreed:>10}{issue.render(float(model.no_deal[i])):>10}"
        )
    lines.append("utilities" + " " * (width - 1) + "outcome".rjust(10) + "reserve".rjust(10))
    for i, name in enumerate(setup.actor_names):
        lines.append(
            f"  {name:<{width}}      {result['utilities'][name]:>10.3f}{model.reservation[i]:>10.3f}"
        )
    lines.append(f"Nash product {result['nash_product']:.4f}")
    lines.append(f"  {NASH_NOTE}")
    if result["pareto_distance"] is not None:
        lines.append(f"distance to the Pareto frontier {result['pareto_distance']:.4f}")
        lines.append(f"  {PARETO_NOTE}")
    conc = ", ".join(f"{k} {v:.2f}" for k, v in result["concessions"].items())
    lines.append(f"concessions (utility given up from first to last offer): {conc}")
    lines.append("coalitions   " + " | ".join(", ".join(c) for c in result["coalitions"]))
    if "coalition_changes" in result:
        decisive = " | ".join(", ".join(c) for c in result["decisive_coalitions"]) or "none"
        border = "across the border" if result["cross_border_decisive"] else "within one country"
        lines.append(f"             {result['coalition_changes']} changes of coalitions; decided by "
                     f"{decisive} ({border})")
        lines.append(f"ratification {result['home_rejections']} deal(s) rejected at home")
    for b in (result.get("beliefs") or {}).values():
        tau = "—" if b["kendall_tau"] is None else f"{b['kendall_tau']:.2f}"
        lines.append(f"belief       {b['believer']} of {b['about']} ({b['model']}, "
                     f"{b['offers_seen']} offers seen): Kendall τ {tau}, weight distance "
                     f"{b['weight_distance']:.2f}, reservation off by {b['reservation_error']:.2f}")
    return lines


def two_level_header(model: NegotiationModel) -> list[str]:
    """The domestic side of each government, the pledges and the dated elections, in words."""
    setup = model.setup
    names = setup.actor_names
    rs = setup.ratification
    lines = []
    for g, c in rs.constituencies.items():
        members = ", ".join(
            f"{names[m]} {w:.2f}" for m, w in zip(c.members.tolist(), c.weight.tolist(), strict=True)
        )
        lines.append(f"ratification: {names[g]} needs {c.threshold:.2f} of the political weight of "
                     f"{c.body} ({members})")
    for p in setup.lobbying.pledges:
        what = p.label or f"pledges on {p.issue}"
        lines.append(f"pledge: {p.firm} {what} — {p.share:.0%} of what "
                     f"{model.spec.issues[p.issue].label} costs {p.government}")
    for election in rs.elections:
        gov = names[election.government]
        when = election.date.isoformat() if election.date else f"before round {election.round_index + 1}"
        if election.round_index is None:
            lines.append(f"event: {election.label}, {when}, after the last round scheduled: "
                         f"{gov}'s threshold stays "
                         f"{rs.constituencies[election.government].threshold:.2f} unless extended "
                         f"talks reach it ({election.threshold:.2f} after it)")
        else:
            lines.append(f"event: {election.label}, {when}: {gov}'s threshold becomes {election.threshold:.2f}")
    return lines
