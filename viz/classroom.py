"""Classroom mode: one shared game that several browsers join, each in a government's seat or a
firm's.

``python run.py demo --classroom`` starts the server with one :class:`Classroom` (made on first
use from the settings the command passes in the environment, :func:`shared`). The lecturer's
page (the address with ``?lecturer=KEY``, printed by the command) shows the join code, who holds
which seat, the calendar, the dance and the coalition graph live, and can pause, resume, reset
and reveal each side's private information (its reservation and weights), and free a seat whose
tab is stuck. A student's page asks for the join code, a name for the lecturer's list and a seat;
once seated it plays that seat as in solo play (:mod:`viz.play_page`), or, in a firm's seat,
chooses every round whom the firm lobbies on which issue and how hard (:meth:`PlaySession.lobby`).
The governments' seats wait for a person; a firm nobody holds lobbies by its rule.

What is enforced here, on the server, whatever a page sends:

* joining needs the join code (compared in constant time) and a free seat; a client holds one seat
  at most, and joining another frees the first;
* a move is taken only from the client holding the seat it is for, only on that seat's turn and
  while the game is not paused, and only if :class:`~viz.play.PlaySession` accepts it (terms in
  range, on their steps);
* the lecturer's actions (freeing a seat among them) need the lecturer key;
* :meth:`Classroom.leave` frees a client's seat; the page calls it when its tab closes (Solara
  closes the tab's session) or the component goes away.

A client is a random id a page draws when it opens, so two tabs of one browser are two clients.
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bargaining_chips.agents.messages import Response
from bargaining_chips.model import load_scenario
from bargaining_chips.model.loader import DEFAULT_SCENARIO
from bargaining_chips.viz.play import MoveRefused, PlaySession

#: Environment variables through which ``run.py demo --classroom`` configures the server.
CLASSROOM_ENV = "BARGAINING_CHIPS_CLASSROOM"
CODE_ENV = "BARGAINING_CHIPS_JOIN_CODE"
LECTURER_ENV = "BARGAINING_CHIPS_LECTURER_KEY"
SCENARIO_ENV = "BARGAINING_CHIPS_DEMO_SCENARIO"

#: The longest name a student may give (the lecturer's list shows it).
NAME_LENGTH = 24

#: Join-code letters: no 0/O, 1/I/L, so a code read off a projector is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def new_code() -> str:
    """A fresh join code, six letters and digits from :data:`CODE_ALPHABET` (≈ 30 bits)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_lecturer_key() -> str:
    return secrets.token_urlsafe(16)


def _same(given: Any, secret: str) -> bool:
    if not isinstance(given, str):
        return False
    return hmac.compare_digest(given.strip().upper().encode(), secret.upper().encode())


@dataclass(frozen=True)
class PrivateInfo:
    """What a government knows of itself and the class does not see until revealed."""

    government: str
    reservation: float
    weights: dict[str, float]


class Classroom:
    """One shared :class:`~viz.play.PlaySession` with every government's seat open to people.

    ``code`` is the join code students type, ``lecturer_key`` the secret of the lecturer's page
    (both drawn fresh when not given). Every method is safe to call from several sessions at
    once (one lock); :attr:`version` grows with every change, so pages know when to redraw.
    """

    def __init__(self, scenario_name: str = DEFAULT_SCENARIO, seed: int = 0,
                 code: str | None = None, lecturer_key: str | None = None) -> None:
        self.scenario_name = scenario_name
        self.code = (code or new_code()).upper()
        self.lecturer_key = lecturer_key or new_lecturer_key()
        spec = load_scenario(scenario_name)
        self.game = PlaySession(scenario_name, seed=seed, seats=list(spec.governments))
        self.holders: dict[str, str] = {}  # seat → client
        self.names: dict[str, str] = {}  # client → the name it gave ("" if none)
        self.paused = False
        self.revealed = False
        self.version = 0
        self._lock = threading.Lock()

    def reading(self) -> threading.Lock:
        """The lock every move takes: hold it to read the game from a page's thread, so that a
        move made meanwhile on another session's thread cannot show half done (an offer
        recorded before its answers)."""
        return self._lock

    # -- seats ---------------------------------------------------------------------------------
    @property
    def seats(self) -> list[str]:
        """Every seat: the governments', then the firms' that lobby."""
        return list(self.game.spec.governments) + self.game.firms

    def is_firm(self, seat: str) -> bool:
        return seat in self.game.firms

    def seat_of(self, client: str) -> str | None:
        return next((s for s, c in self.holders.items() if c == client), None)

    def holder_name(self, seat: str) -> str | None:
        """The name the holder of ``seat`` gave ("" if none), or None for a free seat."""
        client = self.holders.get(seat)
        return None if client is None else self.names.get(client, "")

    def join(self, client: str, code: Any, seat: str, name: Any = "") -> None:
        """Seat ``client`` in ``seat`` if ``code`` is the join code and the seat is free;
        ``name`` (optional, at most :data:`NAME_LENGTH` characters) is shown to the lecturer."""
        with self._lock:
            if not _same(code, self.code):
                raise MoveRefused("join code", "wrong code",
                                  "type the code shown on the lecturer's screen")
            if seat not in self.seats:
                raise MoveRefused("seat", f"{seat!r} is no seat of this game",
                                  f"take one of {', '.join(self.seats)}")
            name = "" if name is None else name
            if (not isinstance(name, str) or len(name.strip()) > NAME_LENGTH
                    or not name.isprintable()):
                raise MoveRefused("name", "not a short line of text",
                                  f"give a name of at most {NAME_LENGTH} characters, or none")
            holder = self.holders.get(seat)
            if holder is not None and holder != client:
                raise MoveRefused("seat", f"{seat} is taken by another player",
                                  "take a free seat")
            self._free([s for s, c in self.holders.items() if c == client and s != seat])
            if seat not in self.holders and self.is_firm(seat):
                self.game.sit(seat)
            self.holders[seat] = client
            self.names[client] = name.strip()
            self.version += 1

    def _free(self, seats: list[str]) -> None:
        for s in seats:
            client = self.holders.pop(s)
            if client not in self.holders.values():
                self.names.pop(client, None)
            if self.is_firm(s):
                self.game.stand(s)  # its rule lobbies again from the next round

    def leave(self, client: str) -> None:
        """Free every seat ``client`` holds (a closed tab)."""
        with self._lock:
            freed = [s for s, c in self.holders.items() if c == client]
            self._free(freed)
            self.names.pop(client, None)
            if freed:
                self.version += 1

    def free(self, key: Any, seat: str) -> None:
        """The lecturer frees ``seat`` (a stuck or abandoned tab): a government's seat waits for
        the next student, a firm's lobbies by its rule again; its old page can no longer move."""
        with self._lock:
            self._lecturer(key)
            if seat not in self.holders:
                raise MoveRefused("seat", f"{seat!r} is not taken", "free a taken seat")
            self._free([seat])
            self.version += 1

    # -- moves ---------------------------------------------------------------------------------
    def _check_move(self, client: str, seat: str) -> None:
        if self.holders.get(seat) != client:
            raise MoveRefused("seat", f"you do not hold {seat}'s seat",
                              "move only for the seat you joined")
        if self.paused:
            raise MoveRefused("move", "the lecturer has paused the game",
                              "wait until the lecturer resumes it")

    def propose(self, client: str, seat: str, terms: Mapping[str, Any]) -> None:
        with self._lock:
            self._check_move(client, seat)
            self.game.propose(seat, terms)
            self.version += 1

    def answer(self, client: str, seat: str, response: Response | str) -> None:
        with self._lock:
            self._check_move(client, seat)
            self.game.answer(seat, response)
            self.version += 1

    def lobby(self, client: str, seat: str, issue: str | None, effort: Any,
              government: str | None = None) -> None:
        """The firm in ``seat`` lobbies this round (:meth:`PlaySession.lobby`)."""
        with self._lock:
            self._check_move(client, seat)
            self.game.lobby(seat, issue, effort, government)
            self.version += 1

    # -- the lecturer --------------------------------------------------------------------------
    def is_lecturer(self, key: Any) -> bool:
        return _same(key, self.lecturer_key)

    def _lecturer(self, key: Any) -> None:
        if not self.is_lecturer(key):
            raise MoveRefused("lecturer key", "wrong key",
                              "open the lecturer's address the command printed")

    def set_paused(self, key: Any, paused: bool) -> None:
        with self._lock:
            self._lecturer(key)
            self.paused = paused
            self.version += 1

    def reset(self, key: Any) -> None:
        """Start the game again (players keep their seats)."""
        with self._lock:
            self._lecturer(key)
            self.game.reset()
            self.revealed = False
            self.version += 1

    def reveal(self, key: Any, revealed: bool = True) -> None:
        with self._lock:
            self._lecturer(key)
            self.revealed = revealed
            self.version += 1

    def private_info(self) -> list[PrivateInfo]:
        """Each government's reservation and issue weights now (after lobbying so far)."""
        talks = self.game.pending or self.game.model
        names, issues = talks.setup.actor_names, list(self.game.spec.issues)
        return [
            PrivateInfo(names[g], float(talks.reservation[g]),
                        {i: float(w) for i, w in zip(issues, talks.weights[g], strict=True)})
            for g in talks.setup.governments
        ]


_shared: Classroom | None = None
_shared_lock = threading.Lock()


def enabled() -> bool:
    """Whether this server runs in classroom mode (``run.py demo --classroom``)."""
    return os.environ.get(CLASSROOM_ENV) == "1"


def shared() -> Classroom:
    """The server's one classroom, made on first use from the command's settings."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Classroom(
                os.environ.get(SCENARIO_ENV) or DEFAULT_SCENARIO,
                code=os.environ.get(CODE_ENV) or None,
                lecturer_key=os.environ.get(LECTURER_ENV) or None,
            )
        return _shared
