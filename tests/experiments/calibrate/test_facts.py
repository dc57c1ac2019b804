"""Facts files: validated against the scenario, checked against a run's own records as it steps."""

from __future__ import annotations

import pytest

from bargaining_chips.experiments.calibrate.facts import check_run, load_facts, parse_facts
from bargaining_chips.experiments.calibrate.simulate import row, simulate
from bargaining_chips.model import NegotiationModel, load_scenario
from bargaining_chips.model.errors import InputFileError

SCENARIO = load_scenario("us_japan_2025")
HEAD = '[meta]\nname = "t"\nas_of = 2025-05-28\n'


def facts_text(*facts: str) -> str:
    return HEAD + "".join(f"\n[[facts]]\nsource = \"test\"\n{f}\n" for f in facts)


def parse(text: str):
    import tomllib

    return parse_facts(tomllib.loads(text), SCENARIO, "facts.toml")


@pytest.fixture(scope="module")
def seed0() -> NegotiationModel:
    """The default scenario, seed 0: Japan opens with 2.5% on cars and 10% reciprocal, the US
    rejects; a deal on 16 June (round 7), ratified in both countries; no deadline moved."""
    model = NegotiationModel(SCENARIO, seed=0, collect=False)
    model.run()
    model.release()  # shared by the module's tests: out of Mesa 3.3's registry of live models
    return model


def verdicts(model: NegotiationModel, *facts: str) -> list[bool]:
    from bargaining_chips.experiments.calibrate.facts import Facts

    text = HEAD.replace("as_of = 2025-05-28\n", "") + "".join(
        f"\n[[facts]]\nid = \"f{i}\"\nsource = \"test\"\n{f}\n" for i, f in enumerate(facts))
    import tomllib

    parsed: Facts = parse_facts(tomllib.loads(text), SCENARIO, "facts.toml")
    checker = check_run(parsed, model)
    return [checker.verdicts[f"f{i}"] for i in range(len(facts))]


def test_each_kind_is_checked_against_the_records(seed0: NegotiationModel) -> None:
    assert verdicts(
        seed0,
        'kind = "no_deal"\ndate = 2025-06-13',
        'kind = "no_deal"\ndate = 2025-06-16',
        'kind = "offer"\nactor = "Japan"\nissue = "auto_tariff"\nround = 1\nband = [2.5, 5.0]',
        'kind = "offer"\nactor = "Japan"\nissue = "auto_tariff"\nround = 1\nvalue = 10\ntolerance = 5',
        'kind = "offer"\nactor = "US"\nissue = "reciprocal_tariff"\ndate = 2025-05-01\nvalue = 24',
        'kind = "offer"\nactor = "US"\nissue = "reciprocal_tariff"\nround = 1\nvalue = 24',
        'kind = "answer"\nactor = "US"\nanswer = "reject"\nround = 1',
        'kind = "answer"\nactor = "US"\nanswer = "accept"\nround = 1',
        'kind = "answer"\nactor = "Japan"\nanswer = "accept"\nwhere = "home"\ndate = 2025-06-16',
        'kind = "answer"\nactor = "Japan"\nanswer = "reject"\nwhere = "home"\ndate = 2025-06-16',
        'kind = "deadline"\ndeadline = "pause_end"\nmoved = false\ndate = 2025-07-09',
        'kind = "walk_away"\nhappened = false\ndate = 2025-07-09',
        'kind = "walk_away"\nactor = "US"\ndate = 2025-07-09',
    ) == [True, False, True, False, True, False, True, False, True, False, True, True, False]


def test_a_moved_deadline_is_read_off_its_event() -> None:
    model = NegotiationModel(load_scenario("us_japan_2025", {"actors.US.reservation": 0.85}),
                             seed=2, collect=False)
    model.run()
    assert verdicts(model, 'kind = "deadline"\ndeadline = "pause_end"\nmoved = true\ndate = 2025-07-09',
                    'kind = "deadline"\ndeadline = "pause_end"\nmoved = true\ndate = 2025-06-16') \
        == [True, False]


def test_a_run_that_breaks_a_fact_stops_there_and_one_that_keeps_them_plays_on() -> None:
    broken = parse(facts_text('id = "low"\nkind = "offer"\nactor = "Japan"\nissue = "auto_tariff"'
                              '\nround = 1\nband = [20, 27.5]',
                              'kind = "no_deal"\ndate = 2025-05-23'))
    model, checker = simulate({}, 0, broken, stop=True)
    assert model.round_index == 1 and model.outcome is None
    assert checker.broken == "low" and not checker.accepted
    r = row(model, checker)
    assert r["fact.low"] is False and r["fact.fact2"] is None and r["finished"] is False
    assert "agreement" not in r
    model, checker = simulate({}, 0, broken, stop=False)
    assert model.outcome is not None and checker.verdicts == {"low": False, "fact2": True}
    kept = parse(facts_text('kind = "offer"\nactor = "Japan"\nissue = "auto_tariff"\nround = 1'
                            '\nband = [2.5, 3]'))
    model, checker = simulate({}, 0, kept)
    assert checker.accepted and model.outcome is not None
    assert row(model, checker)["agreement_date"] == "2025-06-16"


def test_the_soft_distance_measures_how_far_an_offer_misses_its_band() -> None:
    facts = parse(facts_text('kind = "offer"\nactor = "Japan"\nissue = "auto_tariff"\nround = 1'
                             '\nband = [7.5, 10]'))
    _, checker = simulate({}, 0, facts, stop=False)
    assert checker.distances["fact1"] == pytest.approx(5.0 / 25.0)  # 2.5 is 5 below, range 25


@pytest.mark.parametrize("body, field, words", [
    ('kind = "offer"\nactor = "Japn"\nissue = "auto_tariff"\nround = 1\nband = [0, 5]',
     "facts.0.actor", "did you mean 'Japan'"),
    ('kind = "offer"\nactor = "Toyota"\nissue = "auto_tariff"\nround = 1\nband = [0, 5]',
     "facts.0.actor", "is a firm"),
    ('kind = "offer"\nactor = "Japan"\nissue = "rice"\nround = 1\nband = [0, 5]',
     "facts.0.issue", "unknown issue 'rice'"),
    ('kind = "rumour"\nround = 1', "facts.0.kind", "unknown kind 'rumour'"),
    ('kind = "no_deal"\ndate = 2024-01-01', "facts.0.date", "outside the calendar"),
    ('kind = "no_deal"\ndate = 2025-06-01', "facts.0.date", "after the file's as_of"),
    ('kind = "no_deal"\nround = 99', "facts.0.round", "past the calendar's last round"),
    ('kind = "no_deal"\nround = 5', "facts.0.round", "falls on 2025-06-06, after the file's as_of"),
    ('kind = "offer"\nactor = "Japan"\nissue = "auto_tariff"\ndate = 2025-05-02\nvalue = 2.5',
     "facts.0.date", "no round falls on 2025-05-02"),
    ('kind = "offer"\nactor = "Japan"\nissue = "auto_tariff"\nround = 1\nband = [nan, 5]',
     "facts.0.band.0", "not a finite number"),
    ('kind = "offer"\nactor = "Japan"\nissue = "auto_tariff"\nround = 1\nband = [5, 1]',
     "facts.0", "empty band"),
    ('kind = "offer"\nactor = "Japan"\nissue = "auto_tariff"\nround = 1\nband = [50, 60]',
     "facts.0.band", "outside the issue's range"),
    ('kind = "deadline"\ndeadline = "G7"\nmoved = true\ndate = 2025-05-23',
     "facts.0.deadline", "is a target"),
    ('kind = "deadline"\ndeadline = "pause"\nmoved = true\ndate = 2025-05-23',
     "facts.0.deadline", "did you mean 'pause_end'"),
    ('kind = "no_deal"', "facts.0", "exactly one of 'date'"),
    ('kind = "no_deal"\nround = 1\nsorce = "x"', "facts.0.sorce", "did you mean 'source'"),
])
def test_a_bad_fact_is_one_line_naming_the_file_and_the_field(body: str, field: str,
                                                              words: str) -> None:
    with pytest.raises(InputFileError) as err:
        parse(facts_text(body))
    assert err.value.field == field, str(err.value)
    assert words in str(err.value) and "\n" not in str(err.value)
    assert str(err.value).startswith("facts.toml: ")


def test_facts_need_a_source_and_unique_ids() -> None:
    import tomllib

    with pytest.raises(InputFileError, match="facts.0.source: missing"):
        parse_facts(tomllib.loads('[[facts]]\nkind = "no_deal"\nround = 1'), SCENARIO, "f")
    with pytest.raises(InputFileError, match="facts.1.id: id 'a' is used twice"):
        parse(facts_text('id = "a"\nkind = "no_deal"\nround = 1', 'id = "a"\nkind = "no_deal"\nround = 2'))


@pytest.mark.parametrize("content, words", [
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not a UTF-8 text file"),
    (b"[[facts]\nkind = 1", "malformed TOML"),
])
def test_a_file_that_is_not_toml_text_is_refused(tmp_path, content: bytes, words: str) -> None:
    path = tmp_path / "facts.toml"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=words):
        load_facts(path, SCENARIO)
