"""Classroom mode's shared game (viz.classroom): join codes, seats, moves, the lecturer."""

from __future__ import annotations

import pytest

from bargaining_chips.viz.classroom import CODE_ALPHABET, Classroom, MoveRefused, new_code
from bargaining_chips.viz.play import controls_for


@pytest.fixture
def room():
    return Classroom(code="ABC234", lecturer_key="secret-key")


def _no_deal(room):
    return {c.issue: c.value for c in controls_for(room.game.spec)}


def test_join_codes_are_fresh_and_readable():
    codes = {new_code() for _ in range(50)}
    assert len(codes) == 50
    assert all(len(c) == 6 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("01OIL") & set(CODE_ALPHABET)


def test_joining_needs_the_code_and_a_free_seat(room):
    with pytest.raises(MoveRefused, match="^join code: wrong code"):
        room.join("a", "ZZZ999", "Japan")
    with pytest.raises(MoveRefused, match="join code"):
        room.join("a", None, "Japan")
    room.join("a", " abc234 ", "Japan")  # typed in lower case, with spaces
    assert room.seat_of("a") == "Japan"
    with pytest.raises(MoveRefused, match="Japan is taken"):
        room.join("b", "ABC234", "Japan")
    with pytest.raises(MoveRefused, match="no seat"):
        room.join("b", "ABC234", "Narnia")
    room.join("a", "ABC234", "US")  # moving frees the first seat
    assert room.holders == {"US": "a"}


def test_a_seat_cannot_act_for_another(room):
    room.join("japan", "ABC234", "Japan")
    room.join("us", "ABC234", "US")
    with pytest.raises(MoveRefused, match="you do not hold Japan's seat"):
        room.propose("us", "Japan", _no_deal(room))
    with pytest.raises(MoveRefused, match="you do not hold US's seat"):
        room.answer("japan", "US", "accept")
    assert room.game.moves == []
    room.propose("japan", "Japan", _no_deal(room))
    assert room.game.waiting.seat == "US" and room.game.waiting.kind == "answer"
    with pytest.raises(MoveRefused, match="US's turn, not Japan's|must answer"):
        room.propose("japan", "Japan", _no_deal(room))


def test_out_of_range_offers_are_refused_in_class_too(room):
    room.join("japan", "ABC234", "Japan")
    terms = _no_deal(room) | {"investment_fund": 1e9}
    with pytest.raises(MoveRefused, match="terms.investment_fund"):
        room.propose("japan", "Japan", terms)
    assert room.game.moves == []


def test_the_lecturer_pauses_resets_and_reveals(room):
    room.join("japan", "ABC234", "Japan")
    with pytest.raises(MoveRefused, match="lecturer key"):
        room.set_paused("ABC234", True)  # the join code is not the lecturer's key
    room.set_paused("secret-key", True)
    with pytest.raises(MoveRefused, match="paused"):
        room.propose("japan", "Japan", _no_deal(room))
    room.set_paused("secret-key", False)
    room.propose("japan", "Japan", _no_deal(room))
    assert len(room.game.moves) == 1
    room.reveal("secret-key")
    info = {p.government: p for p in room.private_info()}
    assert set(info) == {"US", "Japan"}
    assert info["Japan"].reservation == pytest.approx(0.6)
    assert sum(info["US"].weights.values()) == pytest.approx(1.0)
    room.reset("secret-key")
    assert room.game.moves == [] and not room.revealed and room.holders == {"Japan": "japan"}


def test_leaving_frees_the_seat(room):
    version = room.version
    room.join("a", "ABC234", "Japan")
    room.leave("a")
    room.leave("a")  # twice is harmless
    assert room.holders == {} and room.version == version + 2


def test_a_firm_seat_lobbies_for_its_holder_only(room):
    assert room.seats[:2] == ["US", "Japan"] and "NVIDIA" in room.seats
    room.join("japan", "ABC234", "Japan", name="Aiko")
    room.join("nv", "ABC234", "NVIDIA", name=" Ben ")
    assert room.holder_name("NVIDIA") == "Ben" and room.holder_name("Toyota") is None
    assert room.game.firm_seats == {"NVIDIA": 2}  # round 1's lobbying was played already
    room.join("us", "ABC234", "US")
    room.propose("japan", "Japan", _no_deal(room))
    room.answer("us", "US", "reject")
    assert room.game.waiting.kind == "lobby" and room.game.waiting.seat == "NVIDIA"
    with pytest.raises(MoveRefused, match="you do not hold NVIDIA's seat"):
        room.lobby("japan", "NVIDIA", None, 1.0)
    with pytest.raises(MoveRefused, match="^effort: "):
        room.lobby("nv", "NVIDIA", "chip_purchases", 2.0)
    with pytest.raises(MoveRefused, match="^government: "):
        room.lobby("nv", "NVIDIA", "chip_purchases", 0.5, government="Japan")
    room.lobby("nv", "NVIDIA", "chip_purchases", 0.5, government="US")
    assert room.game.waiting.kind != "lobby"
    with pytest.raises(MoveRefused, match="^name: "):
        room.join("c", "ABC234", "Toyota", name="x" * 40)
    room.leave("nv")
    assert room.game.firm_seats == {} and "nv" not in room.names


def test_the_lecturer_frees_a_stuck_seat(room):
    room.join("japan", "ABC234", "Japan")
    room.join("us", "ABC234", "US")
    room.join("nv", "ABC234", "NVIDIA")
    room.propose("japan", "Japan", _no_deal(room))
    room.answer("us", "US", "reject")
    assert room.game.waiting.seat == "NVIDIA"  # the game waits on NVIDIA's tab
    with pytest.raises(MoveRefused, match="lecturer key"):
        room.free("ABC234", "NVIDIA")
    with pytest.raises(MoveRefused, match="not taken"):
        room.free("secret-key", "Toyota")
    version = room.version
    room.free("secret-key", "NVIDIA")
    assert room.version == version + 1 and "NVIDIA" not in room.holders
    assert room.game.waiting.kind == "propose"  # its rule lobbied: the talks went on
    with pytest.raises(MoveRefused, match="you do not hold NVIDIA's seat"):
        room.lobby("nv", "NVIDIA", None, 1.0)
    room.free("secret-key", "Japan")
    with pytest.raises(MoveRefused, match="you do not hold Japan's seat"):
        room.propose("japan", "Japan", _no_deal(room))
    room.join("other", "ABC234", "Japan")  # the next student takes it over
    assert room.game.waiting.seat == "US"
    room.propose("us", "US", _no_deal(room))
    room.answer("other", "Japan", "reject")
