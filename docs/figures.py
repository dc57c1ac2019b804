#!/usr/bin/env python3
"""Every model figure the docs quote, computed from the model, and the check that they are current.

    python docs/figures.py --check            # exit 1 listing every stale figure and failed claim
    python docs/figures.py --write            # rewrite every marked figure and transcript excerpt
    python docs/figures.py --list             # every figure's name and computed value
    python docs/figures.py --check FILE ...   # only these files (a copy of a doc, say)

The docs (README.md, docs/*.md and the tutorial notebook's Markdown cells) mark each figure they
quote from the model, invisibly in the rendered page::

    <!-- fig:g7.p_never -->1.00<!-- /fig -->

``fig:NAME`` names a figure of :data:`FIGURES` below, or ``scenario:PATH`` (optionally
``scenario:PATH:FORMAT``, e.g. ``:.2f``), an input read from the default scenario file by its dotted
``--set`` path. A verbatim excerpt of a command's output is a block::

    <!-- transcript: python run.py; rounds=2; omit=lobbying -->
    ```text
    ...
    ```
    <!-- /transcript -->

whose every line must appear, in order, in the output of the command (run from a scratch folder).
``--write`` replaces it with the last ``rounds`` dated rounds of the output, leaving out the lines
that start with a word of ``omit`` (and the lines indented under them).

Some sentences make a qualitative claim that the figures around them must bear out ("better terms,
fewer deals"); :data:`CLAIMS` checks each, and ``--check`` fails with the claim's message when one
no longer holds, so the sentence is rewritten rather than left contradicting its own figures.

Studies of the default scenario run over :data:`SEEDS` seeds (the docs say so through the figure
``seeds``); the whole check takes about ten seconds of CPU, a third of it the tutorial's
1,980-run sweep.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shlex
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DOCS = ("README.md", "docs/index.md", "docs/tutorial.md", "docs/ODD.md", "docs/theory.md",
        "docs/notebooks/tutorial.ipynb")
SCENARIO = "us_japan_2025"
SCENARIO_FILE = ROOT / "model" / "scenarios" / f"{SCENARIO}.toml"
SWEEP_CONFIG = ROOT / "experiments" / "configs" / "deadline_credibility.toml"
SCHELLING = ROOT / "tests" / "fixtures" / "schelling.toml"
SEEDS = 200  # seeds per study of the default scenario: about a second of CPU per study
DEADLINE_SEEDS = 500  # the deadline_effect case, as `python run.py validate` plays it

# A marker in backticks is an example shown as code, not a figure.
FIG = re.compile(r"(?<!`)<!-- fig:(?P<name>[^ ]+) -->(?P<quoted>.*?)<!-- /fig -->")
TRANSCRIPT = re.compile(
    r"(?P<open><!-- transcript: (?P<spec>.*?) -->\n\n?```text\n)(?P<body>.*?)(?P<close>```\n\n?<!-- /transcript -->)",
    re.S,
)
ROUND_HEADER = re.compile(r"^\w{3} \d{2} \w{3} \d{4} · ")


# --------------------------------------------------------------------------------------------
# The studies the figures are read from: each computed once, when a figure first needs it.


class Studies:
    """Runs of the model that the figures share; every property is computed on first use."""

    def __init__(self, seeds: int = SEEDS) -> None:
        self.seeds = seeds
        self._runs: dict[tuple, list[dict]] = {}

    def with_seeds(self, seeds: int) -> Studies:
        """The same studies over another number of seeds, sharing what that number does not
        change: the runs cache (keyed by the number of seeds) and every study computed so far
        (each property below plays fixed seeds: the tutorial's sweep, seed 0, the theory cases)."""
        other = Studies(seeds)
        other._runs = self._runs
        other.__dict__.update({k: v for k, v in self.__dict__.items()
                               if k not in ("seeds", "_runs")})
        return other

    def runs(self, source: str | Path = SCENARIO, seeds: int | None = None, **overrides) -> list[dict]:
        """Summaries of ``seeds`` runs (seeds 0, 1, …) of a scenario with ``--set`` overrides."""
        from bargaining_chips.model import NegotiationModel, load_scenario
        from bargaining_chips.model.metrics import summary

        n = self.seeds if seeds is None else seeds
        key = (str(source), n, tuple(sorted(overrides.items())))
        if key not in self._runs:
            spec = load_scenario(source, {k.replace("__", "."): v for k, v in overrides.items()})
            out = []
            for seed in range(n):
                model = NegotiationModel(spec, seed, collect=False)
                model.run()
                out.append(summary(model))
                model.release()
            self._runs[key] = out
        return self._runs[key]

    @cached_property
    def spec(self):
        from bargaining_chips.model import load_scenario

        return load_scenario(SCENARIO)

    @cached_property
    def compiled(self):
        from bargaining_chips.model.compiled import compile_scenario

        return compile_scenario(self.spec)

    @cached_property
    def raw(self) -> dict:
        return tomllib.loads(SCENARIO_FILE.read_text(encoding="utf-8"))

    def deadline(self, name: str):
        return next(d for d in self.compiled.deadlines if d.name == name)

    def g7_round(self) -> int:
        """The 1-based number of the round the G7 target falls in."""
        return self.deadline("G7").index + 1

    def model(self, seed: int = 0, **overrides):
        """One finished run with its records."""
        from bargaining_chips.experiments import play

        return play({k.replace("__", "."): v for k, v in overrides.items()}, seed)

    @cached_property
    def seed0(self):
        return self.model(0)

    @cached_property
    def boulware_japan(self):
        return self.model(0, actors__Japan__strategy__beta=0.3)

    # The two-level game: Japan's ratification threshold (docs/ratification_threshold.py).
    @cached_property
    def pivot(self) -> float:
        """The threshold above which the farm lobby's approval is needed: the political weight
        of Japan's ratifying side without it."""
        weights = self.spec.actors["Japan"].ratification.weights
        return round(sum(v for k, v in weights.items() if k != "JA_Farm") / sum(weights.values()), 10)

    @cached_property
    def theta_low(self) -> float:
        return round(self.pivot - 0.05, 10)

    @cached_property
    def theta_high(self) -> float:
        return self.spec.actors["Japan"].ratification.threshold

    def threshold_runs(self, theta: float, ja_reservation: float | None = None) -> list[dict]:
        extra = {} if ja_reservation is None else {"actors__JA_Farm__reservation": ja_reservation}
        return self.runs(actors__Japan__ratification__threshold=theta, **extra)

    @cached_property
    def sweep(self) -> dict[tuple[float, float], float]:
        """The tutorial's sweep, run by run as `python run.py sweep` plays it: P(deal by the G7)
        per (Japan's β, the G7's extension probability)."""
        from bargaining_chips.model import NegotiationModel, load_scenario
        from bargaining_chips.model.metrics import summary

        design = self.sweep_design
        hits: dict[tuple[float, float], list[bool]] = {}
        spec_of: dict[int, object] = {}
        for run in design.runs():
            params = dict(run.params)
            source = params.pop("scenario", SCENARIO)
            if run.point not in spec_of:
                spec_of[run.point] = load_scenario(source, params)
            model = NegotiationModel(spec_of[run.point], run.seed, collect=False)
            model.run()
            result = summary(model)
            model.release()
            key = (float(params["actors.Japan.strategy.beta"]),
                   float(params["deadlines.G7.extension_probability"]))
            hits.setdefault(key, []).append(bool(result["agreement_by_first_deadline"]))
        return {k: float(np.mean(v)) for k, v in hits.items()}

    @cached_property
    def sweep_design(self):
        from bargaining_chips.experiments.sweep.config import load_config
        from bargaining_chips.experiments.sweep.design import Design

        return Design(load_config(SWEEP_CONFIG))

    def sweep_share(self, beta: float, p: float) -> float:
        return next(v for (b, q), v in self.sweep.items() if math.isclose(b, beta) and math.isclose(q, p))

    def sweep_row(self, beta: float, positive_only: bool = False) -> list[float]:
        return [v for (b, q), v in self.sweep.items()
                if math.isclose(b, beta) and (q > 0 or not positive_only)]

    @cached_property
    def schelling(self) -> list[tuple[float, dict]]:
        return [(theta, self.runs(SCHELLING, seeds=1, actors__A__ratification__threshold=theta)[0])
                for theta in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)]

    @cached_property
    def faratin(self) -> tuple[dict, dict]:
        tough = self.runs("faratin", seeds=1)[0]
        even = self.runs("faratin", seeds=1, actors__Seller__strategy__beta=1.0,
                         actors__Buyer__strategy__beta=1.0)[0]
        return tough, even

    @cached_property
    def zeuthen(self):
        from bargaining_chips.experiments import play

        return play({"scenario": "zeuthen"}, 0)

    @cached_property
    def deadline_effect(self) -> tuple[list[int | None], int]:
        from bargaining_chips.experiments.theory.validation import deadline_rounds

        return deadline_rounds(DEADLINE_SEEDS)


# --------------------------------------------------------------------------------------------
# Helpers for the figures.


def mean(values: Iterable[float]) -> float:
    values = list(values)
    return float(np.mean(values)) if values else float("nan")


def p_deal(runs: list[dict]) -> float:
    return mean(r["agreement"] for r in runs)


def p_g7(runs: list[dict]) -> float:
    return mean(r["agreement_by_first_deadline"] for r in runs)


def over_deals(runs: list[dict], value: Callable[[dict], float]) -> float:
    return mean(value(r) for r in runs if r["agreement"])


def farm_share(s: Studies, runs: list[dict]) -> float:
    """Mean share of the US farm ask in the deals: farm access over its range."""
    issue = s.spec.issues["farm_access"]
    return over_deals(runs, lambda r: (r["terms"]["farm_access"] - issue.min) / (issue.max - issue.min))


def day_month(date) -> str:
    return f"{date.day} {date:%B}"


def first_home_rejection(model):
    from bargaining_chips.model.events import HomeVote

    return next((e for e in model.events if isinstance(e, HomeVote) and not e.passed), None)


def own_concession(model, actor: str) -> float:
    """Utility a government gave up from its first to its last own offer (the summary's
    ``concessions``, which the transcript prints)."""
    from bargaining_chips.model.metrics import concessions

    return concessions(model)[actor]


def joined(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def fmt(value: float, spec: str = ".2f") -> str:
    return format(value, spec)


def pct(value: float, digits: int = 0) -> str:
    return format(value, f".{digits}%")


# --------------------------------------------------------------------------------------------
# The figures, by name: each a function of the studies that returns the text the docs quote.

FIGURES: dict[str, Callable[[Studies], str]] = {}


def figure(name: str):
    def register(fn: Callable[[Studies], str]) -> Callable[[Studies], str]:
        if name in FIGURES:
            raise ValueError(f"figure {name!r} defined twice")
        FIGURES[name] = fn
        return fn
    return register


figure("seeds")(lambda s: f"{s.seeds:,}")

# The patterns (ODD 1): the deadline effect and harder deadlines.
figure("g7.p_never")(lambda s: fmt(p_g7(s.runs(deadlines__G7__extension_probability=0.0))))
figure("g7.p_half")(lambda s: fmt(p_g7(s.runs(deadlines__G7__extension_probability=0.5))))
figure("g7.p_always")(lambda s: fmt(p_g7(s.runs(deadlines__G7__extension_probability=1.0))))


def deal_rounds(s: Studies) -> list[int]:
    return [r["agreement_round"] for r in s.runs() if r["agreement"]]


def deadline_rounds_of(s: Studies) -> set[int]:
    """1-based rounds in which a deadline falls, and the rounds just before them."""
    out = set()
    for d in s.compiled.deadlines:
        out |= {d.index + 1, d.index}
    return out


figure("default.deals_in_g7_round")(
    lambda s: pct(mean(r == s.g7_round() for r in deal_rounds(s))))
figure("default.deals_at_deadlines")(
    lambda s: pct(mean(r in deadline_rounds_of(s) for r in deal_rounds(s))))

# The scenario's shape and what it derives from its inputs (ODD 2, 5, 7.3).
figure("default.rounds")(lambda s: str(len(s.compiled.rounds)))
figure("default.issues")(lambda s: str(len(s.spec.issues)))
figure("default.actors")(lambda s: str(len(s.spec.actors)))


def nesting(value, depth: int = 0) -> int:
    """How deep tables and lists nest in a TOML tree, counted as the file check counts it
    (``actors.US.ratification.weights.US`` is 5 deep)."""
    if isinstance(value, dict):
        return max([nesting(v, depth + 1) for v in value.values()] or [depth + 1])
    if isinstance(value, list):
        return max([nesting(v, depth + 1) for v in value] or [depth + 1])
    return depth


figure("default.nesting")(lambda s: str(nesting(s.raw)))


@figure("default.calendar")
def _calendar(s: Studies) -> str:
    g7 = s.deadline("G7").index
    days = [f"{r.date.day} {r.date:%b}" + (" at the G7" if k == g7 else "")
            for k, r in enumerate(s.compiled.rounds)]
    return joined(days) + f" {s.compiled.rounds[-1].date.year}"


def no_deal_utility(s: Studies, actor: str) -> float:
    space = s.compiled.space
    return float(space.utilities(space.no_deal)[s.compiled.index(actor)])


figure("nodeal.US")(lambda s: fmt(no_deal_utility(s, "US")))
figure("nodeal.Japan")(lambda s: fmt(no_deal_utility(s, "Japan")))
figure("horizon.US")(lambda s: f"{s.compiled.belief_index[s.compiled.index('US')]:g}")
figure("horizon.Japan")(lambda s: f"{s.compiled.belief_index[s.compiled.index('Japan')]:g}")
figure("index.G7")(lambda s: str(s.deadline("G7").index))
figure("index.pause_end")(lambda s: str(s.deadline("pause_end").index))

# Seed 0, the transcript's run (README, tutorial).


@figure("seed0.deal")
def _deal(s: Studies) -> str:
    out = s.seed0.outcome
    if not out.agreement:
        return "—"
    where = " at the G7" if out.round_index == s.deadline("G7").index else ""
    return f"on {day_month(s.seed0.rounds[out.round_index].date)}{where}"


@figure("seed0.farm")
def _seed0_farm(s: Studies) -> str:
    out, issue = s.seed0.outcome, s.spec.issues["farm_access"]
    if not out.agreement:
        return "—"
    value = s.seed0.setup.space.named_terms(out.terms)["farm_access"]
    return pct((value - issue.min) / (issue.max - issue.min))


figure("seed0.concession.US")(lambda s: fmt(own_concession(s.seed0, "US")))
figure("seed0.concession.Japan")(lambda s: fmt(own_concession(s.seed0, "Japan")))


@figure("boulware_japan.farm_offer")
def _farm_offer(s: Studies) -> str:
    model = s.boulware_japan
    issue = s.spec.issues["farm_access"]
    last = [row for row in model.rows if row["proposer"] == "Japan"][-1]
    return pct((last["farm_access"] - issue.min) / (issue.max - issue.min))


# NVIDIA's lobbying (ODD 8.10).
figure("nvidia.p_g7_with")(lambda s: fmt(p_g7(s.runs())))
figure("nvidia.p_g7_without")(lambda s: fmt(p_g7(s.runs(actors__NVIDIA__lobbying_power=0.0))))

# Japan's ratification threshold (README, ODD 8.10).
figure("theta.pivot")(lambda s: fmt(s.pivot))
figure("theta.low")(lambda s: fmt(s.theta_low))
figure("theta.high")(lambda s: fmt(s.theta_high))
_MEASURES: dict[str, Callable[[Studies, list[dict]], str]] = {
    "p_deal": lambda s, runs: fmt(p_deal(runs)),
    "p_g7": lambda s, runs: fmt(p_g7(runs)),
    "farm": lambda s, runs: pct(farm_share(s, runs)),
    "u_japan": lambda s, runs: fmt(over_deals(runs, lambda r: r["utilities"]["Japan"])),
    "u_us": lambda s, runs: fmt(over_deals(runs, lambda r: r["utilities"]["US"])),
    "rejections": lambda s, runs: fmt(mean(r["home_rejections"] for r in runs)),
}
for _tag, _quoted in {"low": ("p_deal", "p_g7", "farm", "u_japan", "u_us"),
                      "high": tuple(_MEASURES), "closed": ("p_g7", "farm")}.items():
    for _measure in _quoted:
        figure(f"theta.{_tag}.{_measure}")(
            lambda s, t=_tag, m=_measure: _MEASURES[m](s, _theta(s, t)))

# The tutorial's sweep.
figure("sweep.runs")(lambda s: f"{s.sweep_design.runs_total:,}")
figure("sweep.replications")(lambda s: str(s.sweep_design.replications))
figure("sweep.credible_min")(lambda s: pct(min(v for (b, p), v in s.sweep.items() if p == 0)))
figure("sweep.credible_max")(lambda s: pct(max(v for (b, p), v in s.sweep.items() if p == 0)))
figure("sweep.linear_never")(lambda s: fmt(s.sweep_share(1.0, 0.0)))
figure("sweep.linear_always")(lambda s: fmt(s.sweep_share(1.0, 1.0)))
figure("sweep.boulware_max")(lambda s: pct(max(s.sweep_row(0.3, positive_only=True))))
figure("sweep.conceder_min")(lambda s: pct(min(s.sweep_row(3.0))))

# Schelling's conjecture on the test fixture (ODD 8.7).


@figure("schelling.tariffs")
def _tariffs(s: Studies) -> str:
    seen: list[str] = []
    for theta, result in s.schelling:
        if result["agreement"] and theta <= 0.8:
            value = f"{result['terms']['tariff']:g}"
            if value not in seen:
                seen.append(value)
    return " to ".join(seen)


# Bargaining theory (docs/theory.md).
figure("faratin.round")(lambda s: str(s.faratin[0]["agreement_round"]))
figure("faratin.rounds")(lambda s: str(len_rounds("faratin")))
figure("faratin.price")(lambda s: f"{s.faratin[0]['terms']['price']:g}")
figure("faratin.even_price")(lambda s: f"{s.faratin[1]['terms']['price']:g}")


def len_rounds(source: str) -> int:
    from bargaining_chips.model import load_scenario
    from bargaining_chips.model.compiled import compile_scenario

    return len(compile_scenario(load_scenario(source)).rounds)


def faratin_zone() -> tuple[float, float, float]:
    """The Faratin case's zone of agreement (lowest, highest price) and its price step."""
    from bargaining_chips.model import load_scenario

    spec = load_scenario("faratin")
    price = spec.issues["price"]
    low = price.min + spec.actors["Seller"].reservation * (price.max - price.min)
    high = price.max - spec.actors["Buyer"].reservation * (price.max - price.min)
    return low, high, price.step


def faratin_kept(s: Studies) -> float:
    low, high, _ = faratin_zone()
    return (s.faratin[0]["terms"]["price"] - low) / (high - low)


def faratin_meet_midway(s: Studies) -> bool:
    low, high, step = faratin_zone()
    return s.faratin[1]["agreement"] and abs(s.faratin[1]["terms"]["price"] - (low + high) / 2) <= step


figure("faratin.kept")(lambda s: pct(faratin_kept(s), 1))


def zeuthen_proposals(s: Studies, who: str) -> str:
    return ", ".join(row["deal"] for row in s.zeuthen.rows if row["proposer"] == who)


figure("zeuthen.P1")(lambda s: zeuthen_proposals(s, "P1"))
figure("zeuthen.P2")(lambda s: zeuthen_proposals(s, "P2"))
figure("zeuthen.deal")(lambda s: str(zeuthen_summary(s)["terms"]["deal"]))
figure("zeuthen.round")(lambda s: str(zeuthen_summary(s)["agreement_round"]))
figure("zeuthen.nash")(lambda s: fmt(zeuthen_summary(s)["nash_product"]))


def zeuthen_summary(s: Studies) -> dict:
    return s.runs("zeuthen", seeds=1)[0]


def deadline_share(s: Studies) -> float:
    from bargaining_chips.experiments.theory.validation import share_in_last_tenth

    rounds, horizon = s.deadline_effect
    return share_in_last_tenth(rounds, horizon)


def last_tenth(s: Studies) -> tuple[int, int]:
    _, horizon = s.deadline_effect
    return horizon - max(1, math.floor(0.1 * horizon)) + 1, horizon


figure("deadline_effect.seeds")(lambda s: f"{len(s.deadline_effect[0]):,}")
figure("deadline_effect.share")(lambda s: pct(deadline_share(s)))
figure("deadline_effect.rounds")(lambda s: "{}–{}".format(*last_tenth(s)))


# The closed forms the theory cases are checked against (experiments/theory/validation.py).


def _closed(name: str):
    from bargaining_chips.experiments.theory import validation

    return getattr(validation, name)


for _d1, _d2 in ((0.9, 0.9), (0.9, 0.8), (0.8, 0.9)):
    figure(f"rubinstein.{_d1}_{_d2}")(
        lambda s, a=_d1, b=_d2: fmt(_closed("rubinstein_share")(a, b), ".4f"))
figure("stahl.0.9")(lambda s: ", ".join(f"{_closed('stahl_share')(0.9, t):.4g}" for t in range(1, 7)))
for _n in (3, 5):
    figure(f"baron_ferejohn.{_n}.proposer")(
        lambda s, n=_n: fmt(_closed("baron_ferejohn_proposer_share")(n, 0.9)))
    figure(f"baron_ferejohn.{_n}.partner")(lambda s, n=_n: fmt(0.9 / n))


figure("nash.sqrt.ks")(lambda s: fmt(_closed("NASH_EXAMPLES")[0][3], ".4f"))
figure("nash.linear")(lambda s: fmt(_closed("NASH_EXAMPLES")[1][2]))
figure("nash.power")(lambda s: fmt(_closed("NASH_EXAMPLES")[2][2], ".4f"))


def stahl_rounds(s: Studies) -> list[int | None]:
    """The agreement round of the Ståhl case at δ = 0.9 and T = 1…6, as validate plays it."""
    return [s.runs("stahl", seeds=1, protocol__max_rounds=t, actors__P1__discount=0.9,
                   actors__P2__discount=0.9)[0]["agreement_round"] for t in range(1, 7)]


# --------------------------------------------------------------------------------------------
# The qualitative claims the prose makes about the figures.


@dataclass(frozen=True)
class Claim:
    docs: tuple[str, ...]  # the files whose sentences make it
    says: str  # the sentence's claim, as the failure message quotes it
    holds: Callable[[Studies], bool]


def _runs_p(s: Studies, p: float) -> list[dict]:
    return s.runs(deadlines__G7__extension_probability=p)


def _theta(s: Studies, tag: str) -> list[dict]:
    return {"low": lambda: s.threshold_runs(s.theta_low), "high": lambda: s.threshold_runs(s.theta_high),
            "closed": lambda: s.threshold_runs(s.theta_high, 1.0)}[tag]()


CLAIMS: tuple[Claim, ...] = (
    Claim(("docs/ODD.md",), "harder deadlines bring deals forward: P(deal by the G7) does not rise "
          "with the extension probability and is higher when the target is never extended than "
          "when it always is",
          lambda s: p_g7(_runs_p(s, 0.0)) >= p_g7(_runs_p(s, 0.5)) >= p_g7(_runs_p(s, 1.0))
          and p_g7(_runs_p(s, 0.0)) > p_g7(_runs_p(s, 1.0))),
    Claim(("docs/ODD.md",), "the deadline effect: most deals are struck in a deadline's round or the "
          "round before it",
          lambda s: mean(r in deadline_rounds_of(s) for r in deal_rounds(s)) > 0.5),
    Claim(("docs/ODD.md",), "the no-deal terms are worth less to each government than its "
          "reservation utility ('set higher')",
          lambda s: all(no_deal_utility(s, g) < s.spec.actors[g].reservation for g in ("US", "Japan"))),
    Claim(("docs/ODD.md",), "section 5 names every firm that lobbies in the default scenario: "
          "NVIDIA, the LNG developer, US farm exporters, the UAW and the revenue hawks behind the US, "
          "SoftBank, Toyota, Japan's farm lobby and its Ministry of Finance behind Japan",
          lambda s: {n: a.home for n, a in s.spec.actors.items() if a.kind == "firm" and a.lobbying_power > 0}
          == {"NVIDIA": "US", "LNG_Developer": "US", "US_Farm": "US", "UAW": "US", "US_Revenue": "US",
              "SoftBank": "Japan", "Toyota": "Japan", "JA_Farm": "Japan", "MOF": "Japan"}),
    Claim(("docs/ODD.md",), "with NVIDIA lobbying the US takes Japan's offer at the summit more often: "
          "P(deal by the G7) is higher with it than without it",
          lambda s: p_g7(s.runs()) > p_g7(s.runs(actors__NVIDIA__lobbying_power=0.0))),
    Claim(("docs/ODD.md", "README.md"), "a farm lobby that tolerates no opening costs time: farm "
          "access falls to nothing and P(deal by the G7) below that at the scenario's threshold",
          lambda s: farm_share(s, _theta(s, "closed")) < farm_share(s, _theta(s, "high"))
          and p_g7(_theta(s, "closed")) < p_g7(_theta(s, "high"))),
    Claim(("docs/ODD.md", "README.md"), "with the farm lobby's red line public, Japan keeps to it from "
          "the first round: no deal is rejected at home for JA's reason at the scenario's threshold",
          lambda s: all(r["home_rejections"] == 0 for r in _theta(s, "high"))),
    Claim(("docs/ODD.md",), "Schelling's conjecture on tests/fixtures/schelling.toml: the agreed tariff "
          "moves in A's favour (down) as its threshold rises to 0.8, and at θ = 1 there is no deal",
          lambda s: all(r["agreement"] for t, r in s.schelling[:-1]) and not s.schelling[-1][1]["agreement"]
          and all(b["terms"]["tariff"] <= a["terms"]["tariff"]
                  for (_, a), (_, b) in zip(s.schelling[:-2], s.schelling[1:-1], strict=True))),
    Claim(("README.md",), "seed 0: the US (Boulware) concedes less than Japan, and the deal is Japan's "
          "offer (its offer crosses what the US asks for)",
          lambda s: own_concession(s.seed0, "US") < own_concession(s.seed0, "Japan")
          and s.seed0.outcome.agreement and s.seed0.rows[s.seed0.outcome.round_index]["proposer"] == "Japan"),
    Claim(("docs/tutorial.md",), "seed 0: Japan keeps its farm offer within JA's public red line, "
          "and the deal is struck at the G7 and ratified on both sides",
          lambda s: first_home_rejection(s.seed0) is None and s.seed0.outcome.agreement
          and s.seed0.outcome.round_index == s.deadline("G7").index
          and s.seed0.setup.space.named_terms(s.seed0.outcome.terms)["farm_access"]
          <= s.spec.issues["farm_access"].min + 0.3 * (s.spec.issues["farm_access"].max
                                                       - s.spec.issues["farm_access"].min)),
    Claim(("docs/tutorial.md",), "a Boulware Japan (β = 0.3, seed 0): the G7 target is missed, the "
          "talks go on and the deal comes after the summit, before the end of the pause",
          lambda s: s.boulware_japan.outcome.agreement
          and s.boulware_japan.outcome.round_index > s.boulware_japan.setup.deadlines[0].index
          and s.boulware_japan.rounds[s.boulware_japan.outcome.round_index].date
          < s.spec.deadlines["pause_end"].date
          and first_home_rejection(s.boulware_japan) is None),
    Claim(("docs/tutorial.md",), "the sweep: with a credible G7 target a linear and a conceding Japan "
          "mostly settle by the summit, a Boulware one least often; a linear Japan settles by it less "
          "often when the target always slips; a Boulware Japan less often at any chance of slipping "
          "than at none; a conceding Japan at least as often as a Boulware one everywhere",
          lambda s: all(s.sweep_share(b, 0.0) > 0.5 for b in (1.0, 3.0))
          and s.sweep_share(0.3, 0.0) == min(s.sweep_share(b, 0.0) for b in (0.3, 1.0, 3.0))
          and s.sweep_share(1.0, 1.0) < s.sweep_share(1.0, 0.0)
          and max(s.sweep_row(0.3, positive_only=True)) < s.sweep_share(0.3, 0.0)
          and min(s.sweep_row(3.0)) >= max(s.sweep_row(0.3, positive_only=True))),
    Claim(("docs/theory.md",), "Faratin et al.: the Boulware seller agrees late (in the last third of "
          "the rounds) and keeps at least 90% of the zone; linear sides meet at the midpoint",
          lambda s: s.faratin[0]["agreement"]
          and s.faratin[0]["agreement_round"] > 2 * len_rounds("faratin") / 3
          and faratin_kept(s) >= 0.9 and faratin_meet_midway(s)),
    Claim(("docs/theory.md",), "Ståhl: with δ = 0.9 and T = 1…6 the first offer is accepted "
          "every time", lambda s: stahl_rounds(s) == [1] * 6),
    Claim(("README.md",), "θ = 0.6 leaves the farm lobby no longer pivotal (the README's example "
          "command)", lambda s: s.pivot >= 0.6),
    Claim(("docs/theory.md",), "Zeuthen: the agreed deal is the Nash-product maximiser",
          lambda s: zeuthen_summary(s)["terms"]["deal"] == nash_deal()),
    Claim(("docs/theory.md",), "the deadline effect: more than half of the agreements fall in the last "
          "10% of the rounds",
          lambda s: deadline_share(s) > 0.5),
)


def nash_deal() -> str:
    from bargaining_chips.model import load_scenario
    from bargaining_chips.model.solutions import solutions

    return solutions(load_scenario("zeuthen"))["nash"]["terms"]["deal"]


# --------------------------------------------------------------------------------------------
# Reading and rewriting the docs.


def scenario_value(s: Studies, name: str) -> str:
    """``scenario:PATH[:FORMAT]``: a value of the default scenario file, by its dotted path."""
    path, _, spec = name.removeprefix("scenario:").partition(":")
    value: object = s.raw
    for part in path.split("."):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            raise KeyError(f"scenario:{path}: no such value in {SCENARIO_FILE.name}")
    if spec:
        return format(value, spec)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class Values:
    """The computed text of each figure, by name, computed on first use."""

    def __init__(self, studies: Studies | None = None) -> None:
        self.studies = studies or Studies()
        self._cache: dict[str, str] = {}

    def __getitem__(self, name: str) -> str:
        if name not in self._cache:
            if name.startswith("scenario:"):
                self._cache[name] = scenario_value(self.studies, name)
            elif name in FIGURES:
                self._cache[name] = FIGURES[name](self.studies)
            else:
                raise KeyError(f"unknown figure {name!r} (see FIGURES in docs/figures.py)")
        return self._cache[name]


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    name: str
    quoted: str
    computed: str

    def __str__(self) -> str:
        if self.name.startswith("transcript"):
            return f"{self.path}:{self.line}: {self.name}: {self.quoted!r} {self.computed}"
        return f"{self.path}:{self.line}: {self.name}: the doc says {self.quoted!r}, the model gives {self.computed!r}"


def texts_of(path: Path) -> list[tuple[str, str]]:
    """The Markdown of a file, as (where, text): the file itself, or each Markdown cell of a
    notebook (``where`` then names the cell, and line numbers count within it)."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix != ".ipynb":
        return [("", raw)]
    return [(f" (cell {k})", "".join(c["source"])) for k, c in enumerate(json.loads(raw)["cells"])
            if c["cell_type"] == "markdown"]


def transcript_spec(spec: str) -> tuple[str, int, tuple[str, ...]]:
    command, *options = [part.strip() for part in spec.split(";")]
    rounds, omit = 2, ()
    for option in options:
        key, _, value = option.partition("=")
        if key == "rounds":
            rounds = int(value)
        elif key == "omit":
            omit = tuple(w.strip() for w in value.split(","))
        else:
            raise ValueError(f"transcript option {key!r}: expected rounds=N or omit=WORD,...")
    return command, rounds, omit


_outputs: dict[str, list[str]] = {}


def command_output(command: str) -> list[str]:
    """The lines a ``python run.py ...`` command prints, run from a scratch folder."""
    if command not in _outputs:
        args = shlex.split(command)
        if args[:2] != ["python", "run.py"]:
            raise ValueError(f"transcript command {command!r}: only `python run.py ...` is run")
        with tempfile.TemporaryDirectory() as work:
            done = subprocess.run([sys.executable, str(ROOT / "run.py"), *args[2:]], cwd=work,
                                  capture_output=True, text=True, check=True,
                                  env={**os.environ, "MPLBACKEND": "Agg"})
        _outputs[command] = done.stdout.splitlines()
    return _outputs[command]


def excerpt(lines: list[str], rounds: int, omit: tuple[str, ...]) -> list[str]:
    """The last ``rounds`` dated rounds of a transcript, without the lines led by a word of ``omit``
    (and the lines indented under them)."""
    starts = [k for k, line in enumerate(lines) if ROUND_HEADER.match(line)]
    if not starts:
        return []
    begin = starts[-rounds] if len(starts) >= rounds else starts[0]
    block = lines[begin:]
    end = next((k for k, line in enumerate(block) if k > 0 and line and not line.startswith(" ")
                and not ROUND_HEADER.match(line)), len(block))
    block = block[:end]
    while block and not block[-1].strip():
        block.pop()
    out, skipping_below = [], None
    for line in block:
        indent = len(line) - len(line.lstrip())
        if skipping_below is not None and line.strip() and indent > skipping_below:
            continue
        skipping_below = None
        words = line.split()
        if words and words[0] in omit:
            skipping_below = indent
            continue
        out.append(line)
    return out


def in_order(wanted: list[str], lines: list[str]) -> list[str]:
    """The wanted lines that do not appear, in order, among ``lines``."""
    missing, k = [], 0
    for line in wanted:
        found = next((j for j in range(k, len(lines)) if lines[j] == line), None)
        if found is None:
            missing.append(line)
        else:
            k = found + 1
    return missing


def problems_in(path: Path, values: Values, label: str | None = None) -> list[Problem]:
    label = label or str(path)
    out = []
    for where, text in texts_of(path):
        for m in FIG.finditer(text):
            computed = values[m["name"]]
            if m["quoted"] != computed:
                out.append(Problem(label + where, text.count("\n", 0, m.start()) + 1, m["name"],
                                   m["quoted"], computed))
        for m in TRANSCRIPT.finditer(text):
            command, _, _ = transcript_spec(m["spec"])
            body = m["body"].splitlines()
            for line in in_order(body, command_output(command)):
                at = text.count("\n", 0, m.start("body")) + body.index(line) + 1
                out.append(Problem(label + where, at, f"transcript of `{command}`", line,
                                   "is not a line of its output (in this order)"))
    return out


def rewritten(text: str, values: Values) -> str:
    text = FIG.sub(lambda m: f"<!-- fig:{m['name']} -->{values[m['name']]}<!-- /fig -->", text)

    def transcript(m: re.Match) -> str:
        command, rounds, omit = transcript_spec(m["spec"])
        body = excerpt(command_output(command), rounds, omit)
        return m["open"] + "".join(line + "\n" for line in body) + m["close"]

    return TRANSCRIPT.sub(transcript, text)


def refreshed(path: Path, values: Values) -> str | None:
    """A file's text with every marked figure and excerpt rewritten, or None if none changed."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        notebook = json.loads(raw)
        for cell in notebook["cells"]:
            if cell["cell_type"] == "markdown":
                new = rewritten("".join(cell["source"]), values)
                cell["source"] = new.splitlines(keepends=True)
        if notebook == json.loads(raw):
            return None
        return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    text = rewritten(raw, values)
    return None if text == raw else text


def write(path: Path, text: str) -> None:
    """Replace a file's text through a temporary file beside it, so it is never half-written."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def failed_claims(studies: Studies, docs: Iterable[str]) -> list[str]:
    docs = set(docs)
    return [f"{', '.join(c.docs)}: the text claims that {c.says}, and the model no longer bears "
            "it out: rewrite the sentence" for c in CLAIMS if docs & set(c.docs) and not c.holds(studies)]


def main(argv: list[str] | None = None, values: Values | None = None) -> int:
    """The command line; ``values`` lets a caller share one computation between calls."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="list stale figures and failed claims; exit 1 if any")
    mode.add_argument("--write", action="store_true", help="rewrite every marked figure from the model")
    mode.add_argument("--list", action="store_true", help="print every figure's name and value")
    parser.add_argument("files", nargs="*", type=Path, help=f"default: {', '.join(DOCS)}")
    args = parser.parse_args(argv)
    values = values or Values()
    if args.list:
        for name in FIGURES:
            print(f"{name}: {values[name]}")
        return 0
    files = args.files or [ROOT / d for d in DOCS]
    for path in files:
        if not path.is_file():
            print(f"error: {path}: no such file; name a Markdown file or notebook", file=sys.stderr)
            return 2
    texts: dict[Path, str | None] = {}
    problems: list[Problem] = []
    for path in files:
        try:
            if args.write:  # everything is computed before the first file is written
                texts[path] = refreshed(path, values)
            else:
                problems += problems_in(path, values, _label(path))
        except (KeyError, ValueError) as error:  # a marker naming no figure, a bad option
            print(f"error: {_label(path)}: {error.args[0]}", file=sys.stderr)
            return 2
    if args.write:
        for path, text in texts.items():
            if text is not None:
                write(path, text)
                print(f"rewrote {path}")
        return 0
    claims = failed_claims(values.studies, {_label(p) for p in files})
    for problem in problems:
        print(problem)
    for claim in claims:
        print(claim)
    if problems or claims:
        print(f"{len(problems)} stale figure(s), {len(claims)} failed claim(s): "
              "run `python docs/figures.py --write` and reread the sentences named", file=sys.stderr)
        return 1
    print(f"every marked figure in {len(files)} file(s) is what the model gives")
    return 0


def _label(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
