"""Run a calibration through the sweep machinery and write its posterior.

``run_calibration(config, out)`` writes into ``out``:

- ``draws/`` — the sweep of the prior draws checked against the facts (the sweep's own store:
  ``results.parquet``, ``manifest.json``; resumable like any sweep: the same command continues
  where an interrupted calibration stopped, on any backend);
- ``prior/`` — the prior predictive: draws from the same priors run to their end;
- ``posterior.csv`` — the accepted draws: run index, seed, each parameter, and the command that
  replays the draw (``run.py run --seed S --set PATH=VALUE …``);
- ``facts.csv`` — each fact, its kind, date, source, how many draws reached it (a draw stops at
  the first fact it breaks) and the share of those that kept it;
- ``manifest.json`` — the facts, the priors, the method, the root seed (run ``j``'s seed is
  child ``j`` of ``SeedSequence(root_seed)``, as in every sweep; each accepted one is in
  ``posterior.csv``), the acceptance rate and the effective sample size.

Rejection ABC (Tavaré et al. 1997; Pritchard et al. 1999) keeps the draws whose run bears out
every fact: with facts that are events of the run, it samples the exact posterior given them.
Every accepted draw carries the same weight, so the effective sample size is the number accepted.

With ``method = "abc-smc"`` the runs are ABC-SMC's generations (:mod:`.smc`): ``smc/`` holds
their batches' sweeps instead of ``draws/``, ``posterior.csv`` the last generation's particles
with their weights, ``history.db`` pyabc's history, and the manifest each generation's figures.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bargaining_chips.experiments.calibrate.config import (
    CalibrationConfig,
    load_calibration,
    sweep_configs,
)
from bargaining_chips.experiments.sweep.options import RunOptions
from bargaining_chips.model.errors import UserError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    import pandas as pd

    from bargaining_chips.experiments.calibrate.facts import Facts
    from bargaining_chips.experiments.sweep.runner import SweepReport

MANIFEST = "manifest.json"
DRAWS, PRIOR, SMC = "draws", "prior", "smc"
FORMAT = 1


@dataclass
class CalibrationReport:
    """What a calibration did and found."""

    out: Path
    draws: SweepReport
    prior: SweepReport
    accepted: int
    total: int
    ess: float
    fact_rates: dict[str, dict[str, float]]
    files: list[Path] = field(default_factory=list)
    #: ABC-SMC: per generation its epsilon, runs, evaluations, acceptance rate and ESS.
    generations: list[dict[str, Any]] | None = None

    @property
    def acceptance_rate(self) -> float:
        return self.accepted / self.total if self.total else 0.0


def check_method(config: CalibrationConfig) -> None:
    """Refuse a method that cannot run here, in one line, before anything is written: ABC-SMC
    (:mod:`.smc`) needs pyabc, the ``abc`` extra."""
    if config.method == "abc-smc":
        from bargaining_chips.experiments.calibrate.smc import require_pyabc

        require_pyabc()


def prepare(config: CalibrationConfig | str | Path) -> tuple[CalibrationConfig, Facts]:
    """The config (read from its file if need be) and its facts, every name, date and prior
    checked against the scenario."""
    from bargaining_chips.experiments.calibrate.facts import load_facts
    from bargaining_chips.experiments.sweep.design import Design
    from bargaining_chips.experiments.sweep.models import validate_parameters
    from bargaining_chips.experiments.sweep.runner import require
    from bargaining_chips.model import load_scenario

    if not isinstance(config, CalibrationConfig):
        config = load_calibration(config)
    check_method(config)
    require("pyarrow", "tqdm", "SALib")
    scenario = load_scenario(config.scenario_name, dict(config.constants))
    facts = load_facts(config.facts, scenario)
    from bargaining_chips.experiments.single import run_once
    from bargaining_chips.experiments.sweep.config import parse_config

    plain = parse_config({"name": config.name, "design": {"kind": "lhs", "samples": 1},
                          "uncertainties": {p: s.model_dump(exclude_none=True)
                                            for p, s in config.priors.items()},
                          "constants": dict(config.constants),
                          **({"scenario": config.scenario} if config.scenario else {})},
                         source=config.name)
    validate_parameters(plain, Design(plain), run_once, f"{config.name}: priors")
    return config, facts


def fingerprint(config: CalibrationConfig, facts: Facts) -> str:
    """What decides a calibration's runs: its two sweeps' fingerprints."""
    from bargaining_chips.experiments.calibrate.simulate import simulate_draw
    from bargaining_chips.experiments.sweep.models import model_name

    if config.method == "abc-smc":
        from bargaining_chips.experiments.calibrate.smc import fingerprint as smc_fingerprint

        return smc_fingerprint(config, facts)
    draws, prior = sweep_configs(config, facts.to_json())
    name = model_name(simulate_draw)
    return f"{draws.fingerprint_for(name)}-{prior.fingerprint_for(name)}"


def _check_folder(out: Path, stamp: str) -> None:
    """Refuse a folder holding anything but this calibration's files (write nothing)."""
    if out.exists() and not out.is_dir():
        raise UserError(f"{out}: exists and is not a folder; choose another --out")
    manifest = out / MANIFEST
    if manifest.is_file():
        try:
            held = json.loads(manifest.read_text(encoding="utf-8")).get("fingerprint")
        except (OSError, ValueError):
            held = None
        if held != stamp:
            raise UserError(f"{out}: holds another calibration (fingerprint {held}); choose "
                            "another --out")
        return
    if out.exists() and any(p.name not in (DRAWS, PRIOR, SMC) and not p.name.startswith(".")
                            for p in out.iterdir()):
        raise UserError(f"{out}: folder is not empty and holds no calibration; choose a new or "
                        "empty --out")


def run_calibration(config: CalibrationConfig | str | Path, out: str | Path,
                    options: RunOptions | None = None, **changes: Any) -> CalibrationReport:
    """Calibrate ``config`` into ``out`` (see the module docstring); ``options`` (or its fields
    by name) say where and how runs execute, as for :func:`~..sweep.runner.run_sweep`."""
    from bargaining_chips.experiments.atomic import write_atomic, write_text
    from bargaining_chips.experiments.calibrate.simulate import simulate_draw
    from bargaining_chips.experiments.sweep.runner import run_sweep
    from bargaining_chips.experiments.sweep.store import code_version, package_versions

    config, facts = prepare(config)
    out = Path(out)
    stamp = fingerprint(config, facts)
    _check_folder(out, stamp)
    if config.method == "abc-smc":
        return _run_smc(config, facts, out, RunOptions.of(options, **changes), stamp)
    draws_config, prior_config = sweep_configs(config, facts.to_json())
    draws = run_sweep(draws_config, out / DRAWS, options, model=simulate_draw, **changes)
    prior = run_sweep(prior_config, out / PRIOR, options, model=simulate_draw, **changes)
    # Only the columns the posterior and the facts' rates read, a batch of draws at a time: the
    # table of 10^5 draws with every column took about 1 kB a draw in the driver, and with these
    # columns the accepted draws' posterior table (their replay commands) another 1.4 kB each.
    columns = ["run_index", "seed", "accepted", *(f"fact.{fid}" for fid in facts.ids),
               *(f"param.{p}" for p in config.priors)]
    tally = _Tally(facts)
    path = out / "posterior.csv"
    write_atomic(path, lambda tmp: _write_posterior(tmp, draw_batches(out, columns), config,
                                                    tally))
    rates = tally.rates()
    report = CalibrationReport(out, draws, prior, tally.accepted, tally.total,
                               float(tally.accepted), rates)
    report.files.append(path)
    path = out / "facts.csv"
    frame = facts_table(facts, rates)
    write_atomic(path, lambda tmp: frame.to_csv(tmp, index=False))
    report.files.append(path)
    manifest = {
        **_manifest_head(config, facts, stamp),
        "seeds": {"root_seed": config.root_seed,
                  "rule": "draw j's seed is child j of numpy.random.SeedSequence(root_seed), "
                          "reduced to 63 bits; posterior.csv lists each accepted draw's seed",
                  "prior_predictive_root_seed": prior_config.root_seed},
        "draws": tally.total, "accepted": tally.accepted,
        "acceptance_rate": report.acceptance_rate, "ess": report.ess,
        "fact_rates": rates, "prior_predictive_draws": prior_config.design.samples,
        "sweeps": {"draws": DRAWS, "prior": PRIOR},
        "complete": bool(draws.complete and prior.complete),
        "code_version": code_version(), "packages": package_versions(),
    }
    write_text(out / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n")
    report.files.append(out / MANIFEST)
    return report


def _manifest_head(config: CalibrationConfig, facts: Facts, stamp: str) -> dict:
    """The keys every calibration's manifest starts with, whatever its method."""
    return {
        "format": FORMAT, "kind": "calibration", "fingerprint": stamp, "name": config.name,
        "description": config.description, "method": config.method,
        "scenario": config.scenario_name, "config": config.model_dump(mode="json"),
        "facts": json.loads(facts.to_json()),
        "priors": {p: s.model_dump(mode="json", exclude_none=True)
                   for p, s in config.priors.items()},
    }


def _run_smc(config: CalibrationConfig, facts: Facts, out: Path, options: RunOptions,
             stamp: str) -> CalibrationReport:
    """ABC-SMC (:mod:`.smc`): its generations, then the prior predictive, then the posterior,
    facts, pyabc's history and the manifest, each written whole."""
    import os

    from bargaining_chips.experiments.atomic import write_atomic, write_text
    from bargaining_chips.experiments.calibrate.simulate import simulate_draw
    from bargaining_chips.experiments.calibrate.smc import DETERMINISM, HISTORY, run_smc
    from bargaining_chips.experiments.sweep.runner import SweepReport, run_sweep
    from bargaining_chips.experiments.sweep.store import code_version, package_versions

    result = run_smc(config, facts, out, options)
    _, prior_config = sweep_configs(config, facts.to_json())
    prior = run_sweep(prior_config, out / PRIOR, options, model=simulate_draw)
    reports = result.reports
    draws = SweepReport(out / SMC, reports[0].backend, reports[0].workers, result.runs,
                        runs_before=sum(r.runs_before for r in reports),
                        runs_done=sum(r.runs_done for r in reports),
                        errors=sum(r.errors for r in reports),
                        elapsed=sum(r.elapsed for r in reports),
                        status="complete" if all(r.complete for r in reports) else "interrupted")
    report = CalibrationReport(out, draws, prior, len(result.particles), result.runs, result.ess,
                               result.rates, generations=result.generations)
    import pandas as pd

    paths = list(config.priors)
    posterior = pd.DataFrame(
        [{"batch": p["batch"], "run_index": p["run_index"], "seed": p["seed"],
          "weight": p["weight"], "distance": p["distance"], **p["params"],
          "replay": replay_command(p["seed"], {**config.constants, **p["params"]},
                                   config.scenario)} for p in result.particles],
        columns=["batch", "run_index", "seed", "weight", "distance", *paths, "replay"])
    for name, frame in (("posterior.csv", posterior),
                        ("facts.csv", facts_table(facts, result.rates))):
        write_atomic(out / name, lambda tmp, frame=frame: frame.to_csv(tmp, index=False))
        report.files.append(out / name)
    os.replace(result.history, out / HISTORY)
    report.files.append(out / HISTORY)
    final = result.generations[-1]
    manifest = {
        **_manifest_head(config, facts, stamp),
        "seeds": {"root_seed": config.root_seed, "rule": DETERMINISM,
                  "prior_predictive_root_seed": prior_config.root_seed},
        "smc": {**config.smc_spec.model_dump(mode="json"),
                "distance": "the sum over facts of each one's distance: 0 kept, 1 broken, an "
                            "offer its gap outside the band over the issue's range",
                "epsilon": "pyabc.QuantileEpsilon", "history": HISTORY,
                "transition": "pyabc.MultivariateNormalTransition, seeded",
                "pyabc": result.version, "error_runs": result.errors},
        "generations": result.generations,
        "epsilons": [g["epsilon"] for g in result.generations],
        "draws": result.runs, "accepted": len(result.particles),
        "acceptance_rate": final["acceptance_rate"], "ess": result.ess,
        "fact_rates": result.rates, "prior_predictive_draws": prior_config.design.samples,
        "sweeps": {"smc": SMC, "prior": PRIOR},
        "complete": bool(draws.complete and prior.complete),
        "code_version": code_version(), "packages": package_versions(),
    }
    write_text(out / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n")
    report.files.append(out / MANIFEST)
    return report


def load_draws(out: str | Path, which: str = DRAWS,
               columns: Iterable[str] | None = None) -> pd.DataFrame:
    """The table of a calibration's draws (``which``: ``"draws"`` or ``"prior"``), one row per
    draw in run order; ``columns`` keeps only those named that the table has (and ``run_key``
    and ``run_index``). The facts are no column (the sweep's manifest holds them); a folder
    written when they rode in every row (a few kilobytes a row: read, the table's bulk) is read
    without them."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from bargaining_chips.experiments.calibrate.simulate import FACTS
    from bargaining_chips.experiments.sweep.store import PARAM_PREFIX, ResultStore, release_unused

    store = ResultStore(Path(out) / which)
    skip = f"{PARAM_PREFIX}{FACTS}"
    tables = []
    wanted = None if columns is None else {"run_key", "run_index", *columns}
    for path in store.part_files():
        names = [n for n in pq.read_schema(path).names
                 if n != skip and (wanted is None or n in wanted)]
        tables.append(pq.read_table(path, columns=names, use_threads=False))  # as compaction
    if not tables:
        return pd.DataFrame(columns=["run_key", "run_index", "seed", "status"])
    table = pa.concat_tables(tables, promote_options="permissive")
    keys = table.column("run_key").to_pylist()  # one row per run (a part written twice by an
    seen: set[str] = set()  # interrupt is harmless: its rows are the same rows)
    keep = [i for i, key in enumerate(keys) if not (key in seen or seen.add(key))]
    if len(keep) != len(keys):
        table = table.take(keep)
    frame = table.to_pandas()
    del table, tables
    release_unused()  # the parts read (store.release_unused)
    return frame.sort_values("run_index", kind="stable").reset_index(drop=True)


#: Draws read at a time when the posterior and the facts' rates are built from a compacted table
#: (:func:`draw_batches`): the driver's memory then does not grow with the number of draws.
BATCH_DRAWS = 10_000


def draw_batches(out: str | Path, columns: Iterable[str], which: str = DRAWS,
                 batch: int | None = None) -> Iterator[pd.DataFrame]:
    """The table :func:`load_draws` gives (``columns`` of it), as successive frames of at most
    ``batch`` draws (default :data:`BATCH_DRAWS`) in run order. A compacted table
    (``results.parquet``: one row per run, in run order) is read a batch at a time; parts not yet
    compacted (a calibration capped by ``max_runs``) are read whole, as :func:`load_draws` does."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from bargaining_chips.experiments.sweep.store import RESULTS, ResultStore, release_unused

    files = ResultStore(Path(out) / which).part_files()
    if len(files) != 1 or files[0].name != RESULTS:
        yield load_draws(out, which, columns)
        return
    wanted = {"run_key", "run_index", *columns}
    parquet = pq.ParquetFile(files[0])
    names = [n for n in parquet.schema_arrow.names if n in wanted]
    for piece in parquet.iter_batches(batch_size=batch or BATCH_DRAWS, columns=names,
                                      use_threads=False):
        frame = pa.Table.from_batches([piece]).to_pandas()
        del piece
        release_unused()
        yield frame


class _Tally:
    """The counts a calibration's summary needs, summed over batches of draws: draws, accepted
    draws, and per fact the draws that reached it and those that kept it."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.total = self.accepted = 0
        self.counts = {fid: [0, 0] for fid in facts.ids}

    def add(self, table: pd.DataFrame) -> pd.DataFrame:
        """Count ``table``'s draws; returns its accepted ones."""
        accepted = table[table["accepted"].fillna(False).astype(bool)]
        self.total += len(table)
        self.accepted += len(accepted)
        for fid, (decided, held) in fact_counts(table, self.facts).items():
            self.counts[fid][0] += decided
            self.counts[fid][1] += held
        return accepted

    def rates(self) -> dict[str, dict[str, float]]:
        return _rates(self.counts)


def _write_posterior(path: Path, batches: Iterator[pd.DataFrame], config: CalibrationConfig,
                     tally: _Tally) -> None:
    """Write ``posterior.csv`` (:func:`posterior_table` of the accepted draws) a batch at a time,
    counting every draw into ``tally``: the same bytes as the whole table written at once."""
    header = True
    with open(path, "w", encoding="utf-8", newline="") as stream:
        for table in batches:
            accepted = tally.add(table)
            if len(accepted):
                posterior_table(accepted, config).to_csv(stream, index=False, header=header)
                header = False
        if header:  # no draw accepted: the header alone
            posterior_table(_no_draws(config), config).to_csv(stream, index=False)


def _no_draws(config: CalibrationConfig) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(columns=["run_index", "seed", *(f"param.{p}" for p in config.priors)])


def parameter_paths(table: pd.DataFrame) -> list[str]:
    """The paths of the parameters drawn from the priors (the ``param.`` columns that vary
    between draws: constants and the calibration's own columns left out)."""
    from bargaining_chips.experiments.sweep.store import PARAM_PREFIX

    out = []
    for column in table.columns:
        if not column.startswith(PARAM_PREFIX):
            continue
        path = column[len(PARAM_PREFIX):]
        if path == "scenario" or path.startswith("calibrate."):
            continue
        out.append(path)
    return out


def fact_rates(table: pd.DataFrame, facts: Facts) -> dict[str, dict[str, float]]:
    """Per fact: how many draws reached it (a draw that broke an earlier fact stopped before it
    was decided), and the share of those that kept it."""
    return _rates(fact_counts(table, facts))


def fact_counts(table: pd.DataFrame, facts: Facts) -> dict[str, tuple[int, int]]:
    """Per fact: the draws of ``table`` that reached it, and those of them that kept it."""
    counts = {}
    for fid in facts.ids:
        column = table.get(f"fact.{fid}")
        decided = 0 if column is None else int(column.notna().sum())
        held = 0 if column is None else int((column == True).sum())  # noqa: E712 - nullable
        counts[fid] = (decided, held)
    return counts


def _rates(counts: dict[str, Any]) -> dict[str, dict[str, float]]:
    return {fid: {"decided": decided, "kept": held / decided if decided else 0.0}
            for fid, (decided, held) in counts.items()}


def facts_table(facts: Facts, rates: dict[str, dict[str, float]]) -> pd.DataFrame:
    """One row per fact: id, kind, when, what it says, how many draws reached it and the share
    of those that kept it, and its source."""
    import pandas as pd

    rows = []
    for fact, fid in zip(facts.items, facts.ids, strict=True):
        data = fact.model_dump(mode="json", exclude_none=True)
        when = data.pop("date", None) or f"round {data.pop('round', '')}"
        data.pop("round", None)
        source = data.pop("source")
        data.pop("id", None)
        data.pop("note", None)
        kind = data.pop("kind")
        rows.append({"id": fid, "kind": kind, "when": when,
                     "what": ", ".join(f"{k}={v}" for k, v in data.items()),
                     "draws_reached": rates[fid]["decided"], "share_kept": rates[fid]["kept"],
                     "source": source})
    return pd.DataFrame(rows)


def replay_command(seed: int, params: dict[str, Any], scenario: str | None) -> str:
    """The command that replays one draw: ``python run.py run --seed S --set PATH=VALUE …``."""
    words = ["python", "run.py", "run", "--seed", str(seed)]
    if scenario is not None:
        words += ["--scenario", scenario]
    for path, value in params.items():
        text = repr(float(value)) if isinstance(value, float) else \
            str(value).lower() if isinstance(value, bool) else str(value)
        words += ["--set", f"{path}={text}"]
    return shlex.join(words)


def posterior_table(accepted: pd.DataFrame, config: CalibrationConfig) -> pd.DataFrame:
    """The accepted draws: run index, seed, each drawn parameter, and the replay command (the
    constants of the config included in it)."""
    import pandas as pd

    paths = list(config.priors)
    # Column by column, as Python values: iterrows built a Series a draw.
    columns = [[_plain(v) for v in accepted[f"param.{p}"].tolist()] for p in paths]
    rows = []
    for i, (index, seed) in enumerate(zip(accepted["run_index"].tolist(),
                                          accepted["seed"].tolist(), strict=True)):
        params = {p: column[i] for p, column in zip(paths, columns, strict=True)}
        entry: dict[str, Any] = {"run_index": int(index), "seed": int(seed)}
        entry.update(params)
        entry["replay"] = replay_command(int(seed), {**config.constants, **params},
                                         config.scenario)
        rows.append(entry)
    return pd.DataFrame(rows, columns=["run_index", "seed", *paths, "replay"])


def _plain(value: Any) -> Any:
    """A numpy scalar → the Python value it holds."""
    return value.item() if hasattr(value, "item") else value
