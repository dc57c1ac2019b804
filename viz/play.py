"""Play mode: a person takes a government's seat; the model plays every other seat.

:class:`PlaySession` is the game in plain Python, so it is tested without a browser and the
dashboard page (:mod:`viz.play_page`) only draws it and forwards clicks. A session is defined by
its scenario, seed, overrides, the seats people hold, and the moves they have made; everything
else follows from the model:

* the talks are an ordinary :class:`~model.NegotiationModel` in which each held seat's strategy is
  a :class:`SeatStrategy` that plays the person's moves in order. Lobbying, coalitions,
  ratification at home, deadlines and dated events are the model's own, and every move goes
  through the scenario's protocol exactly as a strategy's would (a government that anticipates
  ratification keeps a person's offer inside its win-set as it would its strategy's, and says so
  in the transcript);
* when the protocol asks a held seat for a move it does not have yet, the seat raises
  :class:`AwaitingMove`; the session keeps that half-played round (:attr:`PlaySession.pending`,
  for what the person sees while deciding: this round's lobbying, the offer to answer) and the
  model of the rounds completed so far (:attr:`PlaySession.model`, for the panels and the files);
* a move is checked first (:meth:`PlaySession.check_terms`: every issue once, in range, on its
  step, an option of a categorical issue; the right seat, on its turn), then appended, and the
  talks are replayed from the start with the moves so far. A replay costs a few milliseconds (a
  whole default run is ≈ 5 ms), and it makes the game's records those of a model run fed the
  same moves by construction; ``tests/viz/test_play.py`` checks it against such a run.

A person may also take a firm's seat (classroom mode): from the next round whose lobbying has not
been played, the firm lobbies as the person chooses (:meth:`PlaySession.lobby`: which issue it
pushes its home government on, or its own priorities, and how hard, a share of its lobbying
power) instead of by its rule, through the model's hook (:attr:`NegotiationModel.lobbyists`).
Each round then waits for every seated firm's choice before the proposal; a freed firm seat
(:meth:`PlaySession.stand`) lobbies by its rule again from the next round.

Refused moves raise :class:`MoveRefused` (one line naming the field and the fix) and change
nothing, whatever a page sends.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from bargaining_chips.agents.messages import Offer, Response
from bargaining_chips.agents.strategies import Strategy, make_strategy
from bargaining_chips.experiments.report import transcript
from bargaining_chips.experiments.report.run_files import write_all
from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.model.compiled import compile_scenario
from bargaining_chips.model.loader import DEFAULT_SCENARIO
from bargaining_chips.model.lobbying import LobbyChoice
from bargaining_chips.model.metrics import summary

#: Where the dashboard saves played games: set by ``run.py demo --out`` (default results/played).
OUT_ENV = "BARGAINING_CHIPS_PLAY_OUT"

#: Screen steps of an issue without a ``step`` of its own: its range in this many parts.
SLIDER_PARTS = 100


class MoveRefused(ValueError):
    """A move the game does not take: ``field`` names what is wrong, ``fix`` what would do."""

    def __init__(self, field: str, problem: str, fix: str) -> None:
        self.field = field
        self.problem = problem
        self.fix = fix
        super().__init__(f"{field}: {problem}; {fix}")


class AwaitingMove(Exception):  # noqa: N818 - a signal, not an error
    """Raised inside a round when a seat held by a person must move and has no move yet.

    ``kind`` is "propose", "answer" or "lobby"; ``offer`` the offer to answer (None otherwise);
    ``round_no`` the round a firm's lobbying is for.
    """

    def __init__(self, seat: str, kind: str, offer: Offer | None = None,
                 round_no: int | None = None) -> None:
        self.seat = seat
        self.kind = kind
        self.offer = offer
        self.round_no = round_no
        super().__init__(f"{seat} to {kind}")


class SeatStrategy(Strategy):
    """A seat played by a person: the moves they made, in order (a strategy of no library: it is
    never registered and sits in no scenario file).

    ``proposals`` are terms in the scenario's issue order and units (an option by its position);
    ``answers`` the person's responses. When the protocol asks for a move beyond them, the seat
    raises :class:`AwaitingMove`. It records no threshold (a person's is not known).
    """

    def __init__(self, seat: str, proposals: Iterable[np.ndarray] = (),
                 answers: Iterable[Response] = ()) -> None:
        self.seat = seat
        self.proposals = [np.array(p, dtype=float) for p in proposals]
        self.answers = list(answers)
        self._next_proposal = 0
        self._next_answer = 0

    def params(self) -> dict[str, object]:
        return {"seat": self.seat}

    def propose(self, view) -> np.ndarray:  # noqa: ANN001 - a NegotiationView
        if self._next_proposal >= len(self.proposals):
            raise AwaitingMove(self.seat, "propose")
        terms = self.proposals[self._next_proposal]
        self._next_proposal += 1
        return terms.copy()

    def respond(self, view, offer: Offer) -> Response:  # noqa: ANN001 - a NegotiationView
        if self._next_answer >= len(self.answers):
            raise AwaitingMove(self.seat, "answer", offer)
        answer = self.answers[self._next_answer]
        self._next_answer += 1
        return answer


class FirmSeat:
    """A firm's seat played by a person: the model's lobbyist for it
    (:attr:`NegotiationModel.lobbyists`). ``choices`` are the person's, by round number;
    from round ``since`` on (None: the seat is free now), a round without a choice raises
    :class:`AwaitingMove`; before it, and in the rounds while the seat was free, the firm
    lobbies by its rule (None)."""

    def __init__(self, seat: str, choices: Mapping[int, LobbyChoice], since: int | None) -> None:
        self.seat = seat
        self.choices = dict(choices)
        self.since = since

    def __call__(self, round_no: int) -> LobbyChoice | None:
        choice = self.choices.get(round_no)
        if choice is None and self.since is not None and round_no >= self.since:
            raise AwaitingMove(self.seat, "lobby", round_no=round_no)
        return choice


@dataclass(frozen=True)
class FirmControl:
    """A firm's lobbying form: the government it can lobby (its home), the issues it can push
    (``issues``: name → label, with its own weight on each in ``weights``) and its lobbying
    intensity at full effort (rate · power, before its coalition's boost)."""

    firm: str
    government: str
    issues: dict[str, str]
    weights: dict[str, float]
    intensity: float


@dataclass(frozen=True)
class IssueControl:
    """One issue as the offer form shows it: a slider in the issue's own unit and step, or, for
    a categorical issue, its options. ``value`` is where the control starts."""

    issue: str
    label: str
    unit: str
    min: float
    max: float
    step: float
    options: tuple[str, ...] | None
    value: float | str
    no_deal: str


@dataclass(frozen=True)
class Move:
    """One move a person made: a proposal (``terms``, in issue order), an ``answer``, or a firm's
    ``lobby`` choice for round ``round_no``."""

    seat: str
    kind: str  # "propose", "answer" or "lobby"
    terms: tuple[float, ...] | None = None
    answer: Response | None = None
    lobby: LobbyChoice | None = None
    round_no: int | None = None


@dataclass
class Waiting:
    """Whose move it is: ``seat`` must ``kind`` ("propose", "answer" or "lobby") in round
    ``round_no``; ``offer`` is the offer it answers (None otherwise)."""

    seat: str
    kind: str
    round_no: int
    offer: Offer | None = None
    date: str | None = None
    heading: str = ""


def controls_for(spec) -> list[IssueControl]:  # noqa: ANN001 - a Scenario
    """The offer form of a scenario: one control per issue, starting at its no-deal value."""
    out = []
    for name, issue in spec.issues.items():
        if issue.categorical:
            start = issue.no_deal if not math.isnan(issue.no_deal) else 0.0
            out.append(IssueControl(name, issue.label, issue.unit, 0.0,
                                    float(len(issue.options) - 1), 1.0, issue.options,
                                    issue.options[int(start)], issue.render(issue.no_deal)))
            continue
        step = issue.step or (issue.max - issue.min) / SLIDER_PARTS
        out.append(IssueControl(name, issue.label, issue.unit, float(issue.min), float(issue.max),
                                float(step), None, float(issue.no_deal),
                                issue.render(issue.no_deal)))
    return out


def firm_controls(spec) -> dict[str, FirmControl]:  # noqa: ANN001 - a Scenario
    """The lobbying form of every firm that lobbies in ``spec``, by name."""
    setup = compile_scenario(spec)
    lob, names = setup.lobbying, setup.actor_names
    rate = spec.protocol.lobbying_rate
    out = {}
    for f in lob.firms.tolist():
        name = names[f]
        issues = lob.issues_of(f)
        k = lob.position(f)
        out[name] = FirmControl(
            name, names[setup.home[f]], {i: spec.issues[i].label for i in issues},
            {i: float(lob.targets[k][lob.issue_names.index(i)]) for i in issues},
            float(rate * setup.lobbying_power[f]))
    return out


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def check_terms(spec, terms: Any) -> np.ndarray:  # noqa: ANN001 - a Scenario
    """The terms of a proposal as the engine takes them (issue order, options by position), or
    :class:`MoveRefused` naming the first issue at fault: a missing or unknown issue, a value
    that is no finite number, out of range, off the issue's step, or no option of it."""
    if not isinstance(terms, Mapping):
        raise MoveRefused("terms", f"expected a value for every issue, got {type(terms).__name__}",
                          f"send one value per issue: {', '.join(spec.issues)}")
    unknown = [k for k in terms if k not in spec.issues]
    if unknown:
        raise MoveRefused(f"terms.{unknown[0]}", "no such issue in this scenario",
                          f"use the issues {', '.join(spec.issues)}")
    values = []
    for name, issue in spec.issues.items():
        where = f"terms.{name}"
        if name not in terms:
            raise MoveRefused(where, "missing", f"give a value for {issue.label}")
        raw = terms[name]
        if issue.categorical:
            if not isinstance(raw, str) or raw not in issue.options:
                raise MoveRefused(where, f"{raw!r} is no option of {issue.label}",
                                  f"choose one of {', '.join(issue.options)}")
            values.append(float(issue.options.index(raw)))
            continue
        value = _number(raw)
        if value is None or not math.isfinite(value):
            raise MoveRefused(where, f"{raw!r} is not a number",
                              f"give {issue.label} in {issue.unit or 'its unit'}")
        span = issue.max - issue.min
        tol = 1e-9 * max(1.0, span)
        if value < issue.min - tol or value > issue.max + tol:
            raise MoveRefused(where, f"{value:g} is out of range",
                              f"expected {issue.render(issue.min)} to {issue.render(issue.max)}")
        value = min(max(value, issue.min), issue.max)
        if issue.step is not None:
            k = round((value - issue.min) / issue.step)
            on_grid = issue.min + k * issue.step
            if abs(value - on_grid) > tol and abs(value - issue.max) > tol:
                raise MoveRefused(where, f"{value:g} is off the issue's step",
                                  f"use a multiple of {issue.step:g} from {issue.render(issue.min)}")
            value = issue.max if abs(value - issue.max) <= tol else on_grid
        values.append(value)
    return np.array(values, dtype=float)


def _response(value: Any) -> Response:
    if isinstance(value, Response):
        return value
    try:
        return Response(str(value))
    except ValueError:
        raise MoveRefused("answer", f"{value!r} is no answer",
                          "answer accept, reject or walk_away") from None


def games_folder() -> Path:
    """The folder played games are saved under (``run.py demo --out``)."""
    return Path(os.environ.get(OUT_ENV) or Path("results") / "played")


def new_game_folder(base: Path, seats: Iterable[str]) -> Path:
    """A fresh folder name for one saved game: when, who played, and a random suffix."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(base) / f"game-{stamp}-{'-'.join(sorted(seats))}-{secrets.token_hex(2)}"


@dataclass
class Replay:
    """The talks replayed with the moves so far: the completed rounds, the half-played round
    waiting for a person (None when the talks ended), and who must move."""

    model: NegotiationModel
    pending: NegotiationModel | None
    waiting: Waiting | None


def seated_model(spec, seed: int, moves: Iterable[Move], seats: Iterable[str],  # noqa: ANN001
                 collect: bool = True,
                 firms: Mapping[str, int | None] | None = None) -> NegotiationModel:
    """A NegotiationModel whose ``seats`` play ``moves`` (each seat its own, in order); a firm
    in ``firms`` (name → the round from which a person holds it now, None: free now) lobbies
    as its moves say in their rounds (:class:`FirmSeat`)."""
    model = NegotiationModel(spec, seed=seed, collect=collect)
    moves = list(moves)
    names = model.setup.actor_names
    lobbied = {m.seat for m in moves if m.kind == "lobby"}
    for firm in sorted(set(firms or {}) | lobbied):
        choices = {m.round_no: m.lobby for m in moves if m.seat == firm and m.kind == "lobby"}
        model.lobbyists[names.index(firm)] = FirmSeat(firm, choices, (firms or {}).get(firm))
    for agent in model.governments:
        if agent.actor_name in seats:
            mine = [m for m in moves if m.seat == agent.actor_name]
            agent.strategy = SeatStrategy(
                agent.actor_name,
                [m.terms for m in mine if m.kind == "propose"],
                [m.answer for m in mine if m.kind == "answer"],
            )
    return model


def release_model(model: mesa.Model | None) -> None:
    """Drop Mesa 3.3's class-level reference to a discarded model (no-op on Mesa ≥ 3.4.2)."""
    if model is not None:
        registry = getattr(mesa.Agent, "_ids", None)
        if registry is not None:
            registry.pop(model, None)


def replay(spec, seed: int, moves: list[Move], seats: frozenset[str],  # noqa: ANN001
           firms: Mapping[str, int | None] | None = None) -> Replay:
    """Play the talks from the start with ``moves`` until they end or a seat must move
    (``firms``: the firms' seats, as :func:`seated_model` takes them)."""
    model = seated_model(spec, seed, moves, seats, collect=False, firms=firms)
    while model.outcome is None and model.round_index < len(model.setup.rounds):
        done = model.round_index
        try:
            model.step()
        except AwaitingMove as wait:
            rnd = model.setup.rounds[done]
            waiting = Waiting(wait.seat, wait.kind, rnd.number, wait.offer, rnd.iso_date,
                              transcript.round_heading(model, rnd.number))
            settled = seated_model(spec, seed, moves, seats, collect=False, firms=firms)
            for _ in range(done):
                settled.step()
            return Replay(settled, model, waiting)
    return Replay(model, None, None)


@dataclass
class PlaySession:
    """One game: people in ``seats`` (government names, and firms that lobby), the model in
    every other seat.

    ``scenario_name`` is a bundled scenario or a path, ``overrides`` ``--set`` paths, ``seed`` the
    run's seed. Read :attr:`model` (the completed rounds), :attr:`pending` (the round waiting for
    a person, or None), :attr:`waiting` (whose move, or None once the talks have ended) and
    :attr:`moves`. Move with :meth:`propose`, :meth:`answer` and :meth:`lobby`; :meth:`reset`
    starts again. A firm's seat can be taken and freed during the game (:meth:`sit`,
    :meth:`stand`); :attr:`firm_seats` maps each held firm to the round it lobbies from.
    """

    scenario_name: str = DEFAULT_SCENARIO
    seed: int = 0
    seats: Iterable[str] = ("Japan",)
    overrides: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.spec = load_scenario(self.scenario_name, dict(self.overrides))
        governments = list(self.spec.governments)
        self._firm_controls = firm_controls(self.spec)
        seats = frozenset(self.seats)
        for seat in seats:
            if seat not in governments and seat not in self._firm_controls:
                raise MoveRefused("seat", f"{seat!r} is no government or lobbying firm of "
                                  f"{self.spec.name}",
                                  f"take one of {', '.join(governments + list(self._firm_controls))}")
        self.seats = frozenset(s for s in seats if s in governments)
        self.firm_seats: dict[str, int] = {s: 1 for s in sorted(seats - self.seats)}
        self.moves: list[Move] = []
        self.model: NegotiationModel | None = None
        self.pending: NegotiationModel | None = None
        self.waiting: Waiting | None = None
        self.version = 0  # incremented by every accepted move and reset (pages redraw on it)
        self._replay()

    # -- state ---------------------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.model is not None and self.model.outcome is not None

    def controls(self) -> list[IssueControl]:
        return controls_for(self.spec)

    @property
    def firms(self) -> list[str]:
        """The firms a person can sit in: those that lobby in this scenario."""
        return list(self._firm_controls)

    def firm_control(self, firm: str) -> FirmControl:
        return self._firm_controls[firm]

    def lobby_due(self) -> list[str]:
        """The seated firms that still have to lobby in the round waiting for them."""
        w = self.waiting
        if w is None or w.kind != "lobby":
            return []
        done = {m.seat for m in self.moves if m.kind == "lobby" and m.round_no == self._frontier()}
        return [f for f in self.firm_seats if f not in done and self.firm_seats[f] <=
                self._frontier()]

    def _frontier(self) -> int:
        """The first round whose lobbying has not been played (a round number)."""
        if self.pending is None:  # the talks have ended: no round is left to lobby
            return 10**6
        lobbied = len(self.pending.lobby_log) > self.pending.round_index
        return self.pending.round_index + (2 if lobbied else 1)

    def stance(self, firm: str) -> float:
        """What the other side's last offer is worth to ``firm`` against no deal (0 before the
        other side has offered): what its lobbying of its government's reservation follows."""
        talks = self.pending or self.model
        agent = next(f for f in talks.firms if f.actor_name == firm)
        return float(agent.stance)

    def index(self, actor: str) -> int:
        return self.model.setup.actor_names.index(actor)

    def worth(self, terms: np.ndarray) -> dict[str, float]:
        """Each government's utility of ``terms`` now (under this round's lobbying, if a round
        waits for a move), as the model will record it."""
        talks = self.pending or self.model
        names = talks.setup.actor_names
        return {names[g]: float(talks.utility(g, np.asarray(terms, dtype=float)))
                for g in talks.setup.governments}

    def reservation(self, actor: str) -> float:
        """What no deal is worth to ``actor`` now."""
        talks = self.pending or self.model
        return float(talks.reservation[self.index(actor)])

    def suggestion(self, seat: str) -> np.ndarray:
        """The terms the scenario's own strategy for ``seat`` would propose now (a fresh copy of
        it, on the waiting round): what the model would do in the person's place."""
        talks = self.pending or self.model
        agent = talks.government(self.index(seat))
        plan = talks.spec.actors[seat].strategy
        strategy = make_strategy(plan.name, **plan.params)
        return talks.setup.space.clip(strategy.propose(agent.view))

    def lobby_suggestion(self, firm: str) -> LobbyChoice:
        """What the firm's rule does: push its own priorities with all its power."""
        self._firm(firm)
        return LobbyChoice(None, 1.0)

    def answer_lines(self) -> list[str]:
        """The last round's answers with their reasons, in the transcript's words."""
        rows = self.model.rows
        if not rows:
            return []
        round_no = rows[-1]["round"]
        return [transcript.answer_line(row, who) for row in transcript.rows_of_round(
            self.model, round_no) for who in row["responses"]]

    # -- moves ---------------------------------------------------------------------------------
    def _firm(self, firm: str) -> FirmControl:
        if firm not in self._firm_controls:
            raise MoveRefused("seat", f"{firm!r} is no lobbying firm of {self.spec.name}",
                              f"take one of {', '.join(self._firm_controls)}")
        return self._firm_controls[firm]

    def sit(self, firm: str) -> None:
        """A person takes ``firm``'s seat: it lobbies as they choose from the first round whose
        lobbying has not been played (this round's, if the game waits on lobbying)."""
        self._firm(firm)
        if firm not in self.firm_seats:
            self.firm_seats[firm] = self._frontier()
            self._replay()

    def stand(self, firm: str) -> None:
        """The person leaves ``firm``'s seat: its rule lobbies again from the next round not yet
        lobbied; what the person chose before stays played."""
        if self.firm_seats.pop(firm, None) is not None:
            self._replay()

    def _expect(self, seat: str, kind: str) -> None:
        if seat not in self.seats:
            raise MoveRefused("seat", f"{seat!r} is not a seat held in this game",
                              f"move for your own seat ({', '.join(sorted(self.seats))})")
        if self.waiting is None:
            raise MoveRefused("move", "the talks have ended", "reset to play again")
        if self.waiting.seat != seat:
            raise MoveRefused("seat", f"it is {self.waiting.seat}'s turn, not {seat}'s",
                              f"wait for {self.waiting.seat} to {self.waiting.kind}")
        if self.waiting.kind != kind:
            raise MoveRefused("move", f"{seat} must {self.waiting.kind} now, not {kind}",
                              f"{self.waiting.kind} instead")

    def propose(self, seat: str, terms: Mapping[str, Any]) -> None:
        """``seat`` proposes ``terms`` ({issue: value in its unit, or option name})."""
        self._expect(seat, "propose")
        values = check_terms(self.spec, terms)
        self._play(Move(seat, "propose", terms=tuple(values.tolist())))

    def answer(self, seat: str, response: Response | str) -> None:
        """``seat`` answers the offer it was made: accept, reject or walk_away."""
        self._expect(seat, "answer")
        self._play(Move(seat, "answer", answer=_response(response)))

    def lobby(self, seat: str, issue: str | None, effort: Any,
              government: str | None = None) -> None:
        """Firm ``seat`` lobbies this round: pushes its home government (``government``, if
        given, must be it) on ``issue`` (None or "": its own priorities, as its rule) with
        ``effort`` ∈ [0, 1], the share of its lobbying power it spends."""
        control = self._firm(seat)
        if seat not in self.firm_seats:
            raise MoveRefused("seat", f"{seat} is not a seat held in this game",
                              "take the firm's seat first")
        if self.waiting is None:
            raise MoveRefused("move", "the talks have ended", "reset to play again")
        if seat not in self.lobby_due():
            raise MoveRefused("move", f"{seat} cannot lobby now: it is {self.waiting.seat}'s "
                              f"turn to {self.waiting.kind}",
                              "lobby when the next round begins")
        if government is not None and government != control.government:
            raise MoveRefused("government", f"{seat} can lobby only its home government, "
                              f"{control.government}, not {government!r}",
                              f"lobby {control.government}")
        if issue == "":
            issue = None
        if issue is not None and issue not in control.issues:
            raise MoveRefused("issue", f"{seat} cannot push {issue!r}",
                              f"push one of {', '.join(control.issues)}, or its own priorities")
        value = _number(effort)
        if value is None or not math.isfinite(value) or not 0.0 <= value <= 1.0:
            raise MoveRefused("effort", f"{effort!r} is out of range",
                              f"expected 0 to 1 (a share of {seat}'s lobbying power)")
        self._play(Move(seat, "lobby", lobby=LobbyChoice(issue, value),
                        round_no=self._frontier()))

    def reset(self) -> None:
        """Start the game again from round 1 (same scenario, seed and seats)."""
        self.moves = []
        self.firm_seats = dict.fromkeys(self.firm_seats, 1)
        self._replay()

    def save(self, out: Path) -> list[Path]:
        """Write the finished game into the folder ``out`` as a run is written (summary.json
        with two more keys, ``seats_played`` and ``moves_played``, rounds.csv, transcript.txt,
        the lobbying, coalition and ratification tables; no plots), so ``python run.py
        summarize`` and the other readers of runs take it. Refused before the game has ended."""
        if not self.finished:
            raise MoveRefused("save", "the game has not ended yet", "save it once it has ended")
        result = summary(self.model)
        result["seats_played"] = sorted(self.seats | {m.seat for m in self.moves})
        result["moves_played"] = len(self.moves)
        return write_all(self.model, result, Path(out), plots=False)

    def release(self) -> None:
        release_model(self.model)
        release_model(self.pending)

    def _play(self, move: Move) -> None:
        self.moves.append(move)
        self._replay()

    def _replay(self) -> None:
        self.release()
        result = replay(self.spec, self.seed, self.moves, self.seats, self.firm_seats)
        self.model, self.pending, self.waiting = result.model, result.pending, result.waiting
        self.version += 1
