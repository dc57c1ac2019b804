"""docs/tutorial.md's 50-minute class: its commands exist as written and its claims about the
model hold (the classroom's seats, the farm lobby's veto, the US's vote at home)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from bargaining_chips.cli import build_parser
from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.viz import panels
from bargaining_chips.viz.classroom import Classroom
from bargaining_chips.viz.play import PlaySession

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "tutorial.md"


def lesson() -> str:
    text = TUTORIAL.read_text(encoding="utf-8")
    start = text.index("## A 50-minute class")
    return text[start:text.index("\n## ", start + 1)]


def test_the_lesson_takes_fifty_minutes():
    minutes = [int(m) for m in re.findall(r"\((\d+) minutes\)", lesson())]
    assert sum(minutes) == 50, minutes


def test_every_command_of_the_lesson_parses():
    text = lesson()
    commands = [line.strip() for block in re.findall(r"```text\n(.*?)```", text, flags=re.S)
                for line in block.splitlines() if line.strip().startswith("python run.py")]
    commands += [c for c in re.findall(r"`(python run\.py [^`]+)`", text.replace("\n", " "))]
    assert any("demo --classroom" in c for c in commands)
    parser = build_parser()
    for command in commands:
        args = parser.parse_args(shlex.split(command)[2:])
        assert args.handler is not None, command
    set_paths = re.findall(r"--set (\S+)=", text.replace("\n", " "))
    for path in set_paths:
        load_scenario("us_japan_2025", {path: 0.0})  # a valid --set path


def test_the_first_to_join_takes_the_us_seat():
    room = Classroom(code="ABC234")
    assert room.seats[0] == "US"


def test_the_rest_of_the_class_sits_in_the_firms_and_a_seated_firm_lobbies_before_the_proposal():
    room = Classroom(code="ABC234", lecturer_key="key")
    assert room.seats[:2] == ["US", "Japan"]
    assert {"NVIDIA", "SoftBank", "Toyota", "JA_Farm"} <= set(room.seats[2:])
    for client, seat in (("a", "US"), ("b", "Japan"), ("c", "JA_Farm")):
        room.join(client, "ABC234", seat)
    assert room.game.lobby_due() == []  # round 1's lobbying was played before JA_Farm sat
    room.propose("b", "Japan", {c.issue: c.value for c in room.game.controls()})
    room.answer("a", "US", "reject")
    assert (room.game.waiting.kind, room.game.waiting.seat) == ("lobby", "JA_Farm")
    assert "farm_access" in room.game.firm_control("JA_Farm").issues
    room.lobby("c", "JA_Farm", "farm_access", 0.0)  # 0 keeps it silent
    assert room.game.waiting.kind == "propose"
    room.free("key", "JA_Farm")  # Free: a firm nobody holds lobbies by its rule
    assert room.game.firm_seats == {}


def test_the_models_negotiators_settle_at_the_g7_and_the_diet_ratifies():
    model = NegotiationModel(load_scenario("us_japan_2025"), seed=0)
    model.run()
    assert model.outcome.agreement and model.rows[-1]["round"] == 7
    assert model.rows[-1]["date"] == "2025-06-16"


def _us_offers_farm_access(share: float) -> list[str]:
    game = PlaySession(seats=["US"])
    assert game.waiting.kind == "answer" and game.waiting.round_no == 1  # Japan opens
    game.answer("US", "reject")
    assert game.waiting.kind == "propose" and game.waiting.date == "2025-05-01"
    game.propose("US", {"reciprocal_tariff": 10.0, "auto_tariff": 2.5, "chip_purchases": 0.0,
                        "alaska_lng_stake": 0.0, "investment_fund": 0.0, "shipbuilding": 0.0,
                        "farm_access": share})
    return panels.round_log(game.model)


def test_the_farm_lobby_vetoes_forty_percent():
    log = "\n".join(_us_offers_farm_access(40.0))
    assert "worth to US 0.09 · Japan 0.97" in log
    assert "Japan rejects (worth 0.97 to it ≥ the 0.89 it asks for now, but it cannot sign it)" in log
    assert "approval 0.70 < 0.75; against: JA_Farm" in log
    spec = load_scenario("us_japan_2025")
    japan = spec.actors["Japan"].ratification
    assert japan.threshold == pytest.approx(0.75) and japan.weights["JA_Farm"] == pytest.approx(0.3)


def test_at_thirty_percent_the_diet_ratifies_and_the_us_side_rejects():
    log = "\n".join(_us_offers_farm_access(30.0))
    assert "Japan accepts" in log
    assert "✓ ratified at home by the Diet and the ruling coalition" in log
    assert "✗ rejected at home by the administration and its backers" in log
    assert "0.60 needed" in log
