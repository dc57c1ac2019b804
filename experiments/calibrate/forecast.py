"""Forecasts from a calibration: the posterior of each parameter and what follows a date.

From a calibration's folder (:mod:`.run`): the accepted draws are the posterior sample, and
the prior-predictive sweep's draws (every run played to its end whatever the facts) are the
prior's. :func:`forecast` tabulates, side by side for the posterior and the prior:

- ``marginals`` — each parameter's mean and 5/50/95% quantiles;
- ``deal`` — P(deal by d) for each calendar date d after ``after`` (the scenario's rounds and
  its targets' and deadlines' dates), with 95% Wilson intervals;
- ``terms`` — among the runs that reach a deal, each issue's agreed value's 5/50/95% quantiles;
- ``calendar`` — P(each target is missed), P(each soft deadline is moved) and its mean moves.

Every table is a tidy DataFrame; :func:`write_forecast` writes them as CSV with their plots
(:mod:`.plots`), and :func:`format_forecast` is what ``run.py forecast`` prints.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bargaining_chips.model.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

QUANTILES = (0.05, 0.5, 0.95)


@dataclass
class Forecast:
    """The tables of a forecast (see the module docstring) and what they were made from."""

    name: str
    scenario: str
    after: dt.date
    posterior_draws: int
    prior_draws: int
    marginals: pd.DataFrame
    deal: pd.DataFrame
    terms: pd.DataFrame
    calendar: pd.DataFrame
    parameters: list[str]
    files: list[Path] = field(default_factory=list)
    #: ABC-SMC: the effective sample size of the weighted posterior (None: equal weights).
    posterior_ess: float | None = None


def read_manifest(out: Path) -> dict:
    """A calibration folder's manifest, or one line saying the folder holds none."""
    import json

    from bargaining_chips.experiments.calibrate.run import MANIFEST

    path = Path(out) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{out}: holds no calibration (no {MANIFEST}); run "
                        "'run.py calibrate CONFIG --out DIR' first") from None
    except (OSError, ValueError) as err:
        raise UserError(f"{path}: cannot read the calibration's manifest ({err})") from None
    if manifest.get("kind") != "calibration":
        raise UserError(f"{path}: is not a calibration's manifest; name the folder "
                        "'run.py calibrate' wrote")
    return manifest


def posterior_and_prior(out: Path, method: str = "rejection") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The accepted draws and the prior-predictive draws of a calibration folder. After
    ABC-SMC the posterior is the last generation's runs, each with its ``weight``."""
    from bargaining_chips.experiments.calibrate.run import DRAWS, PRIOR, load_draws

    prior = load_draws(out, PRIOR)
    if method == "abc-smc":
        from bargaining_chips.experiments.calibrate.smc import posterior_runs

        prior = prior[prior["status"] == "ok"] if "status" in prior else prior
        return posterior_runs(Path(out)), prior.reset_index(drop=True)
    draws = load_draws(out, DRAWS)
    ok = draws["status"] == "ok" if "status" in draws else True
    accepted = draws[ok & draws["accepted"].fillna(False).astype(bool)]
    prior = prior[prior["status"] == "ok"] if "status" in prior else prior
    return accepted.reset_index(drop=True), prior.reset_index(drop=True)


def weights(frame: pd.DataFrame) -> np.ndarray:
    """Each row's weight in its sample: the ``weight`` column (ABC-SMC's importance weights),
    or equal weights."""
    if "weight" in frame:
        return np.asarray(frame["weight"], dtype=float)
    return np.ones(len(frame))


def quantile_row(values: pd.Series, w: np.ndarray | None = None) -> dict[str, float | None]:
    """Mean and 5/50/95% quantiles of ``values`` (None each when there are none); with weights
    ``w`` (one per value), the weighted mean and the weighted quantiles: the smallest value
    whose cumulative weight reaches the level (the inverse of the weighted empirical CDF)."""
    keep = np.asarray(values.notna())
    x = np.asarray(values[keep], dtype=float)
    if not len(x):
        return {"mean": None, "q05": None, "q50": None, "q95": None}
    if w is None:
        q = np.quantile(x, QUANTILES)
        return {"mean": float(x.mean()), "q05": float(q[0]), "q50": float(q[1]),
                "q95": float(q[2])}
    w = np.asarray(w, dtype=float)[keep]
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    cdf = np.cumsum(w) / w.sum()
    q = [float(x[min(np.searchsorted(cdf, level), len(x) - 1)]) for level in QUANTILES]
    return {"mean": float(np.sum(w * x) / w.sum()), "q05": q[0], "q50": q[1], "q95": q[2]}


def _weighted(frame: pd.DataFrame) -> np.ndarray | None:
    return weights(frame) if "weight" in frame else None


def marginals_table(posterior: pd.DataFrame, prior: pd.DataFrame,
                    parameters: list[str]) -> pd.DataFrame:
    """One row per parameter and sample (posterior, prior): mean and 5/50/95% quantiles."""
    import pandas as pd

    rows = []
    for path in parameters:
        for which, frame in (("posterior", posterior), ("prior", prior)):
            column = f"param.{path}"
            values = frame[column] if column in frame else pd.Series(dtype=float)
            w = _weighted(frame) if column in frame else None
            rows.append({"parameter": path, "sample": which, "n": int(values.notna().sum()),
                         **quantile_row(pd.to_numeric(values, errors="coerce"), w)})
    return pd.DataFrame(rows)


def forecast_dates(scenario, after: dt.date) -> list[tuple[dt.date, str]]:  # noqa: ANN001
    """The calendar dates after ``after``: every round's date and every target's and deadline's,
    each with its label (the deadline's where a round and a deadline share a date)."""
    from bargaining_chips.model.compiled import compile_scenario

    dates: dict[dt.date, str] = {}
    for rnd in compile_scenario(scenario).rounds:
        if rnd.date is not None and rnd.date > after:
            dates.setdefault(rnd.date, rnd.label)
    for name, d in scenario.deadlines.items():
        if d.date is not None and d.date > after:
            dates[d.date] = d.label or name
    return sorted(dates.items())


def _deal_dates(frame: pd.DataFrame) -> np.ndarray:
    import pandas as pd

    if "agreement_date" not in frame or not len(frame):
        return np.array([], dtype="datetime64[D]")
    return pd.to_datetime(frame["agreement_date"]).to_numpy().astype("datetime64[D]")


def deal_table(posterior: pd.DataFrame, prior: pd.DataFrame,
               dates: list[tuple[dt.date, str]]) -> pd.DataFrame:
    """P(deal by d) for each date, posterior and prior, with 95% Wilson intervals."""
    import pandas as pd

    from bargaining_chips.experiments.sweep.summarize import wilson_interval

    rows = []
    by = {"posterior": _deal_dates(posterior), "prior": _deal_dates(prior)}
    sizes = {"posterior": len(posterior), "prior": len(prior)}
    w = {"posterior": _weighted(posterior), "prior": _weighted(prior)}
    for day, label in dates:
        row: dict = {"date": day.isoformat(), "label": label}
        limit = np.datetime64(day, "D")
        for which in ("posterior", "prior"):
            n = sizes[which]
            if w[which] is not None and n:  # weighted: the interval over the effective size
                share = float(np.sum(w[which] * (by[which] <= limit)) / np.sum(w[which]))
                ess = float(np.sum(w[which]) ** 2 / np.sum(w[which] ** 2))
                low, high = wilson_interval(np.array([share * ess]), np.array([ess]))
                row[f"p_{which}"] = share
                row[f"low_{which}"] = float(low[0])
                row[f"high_{which}"] = float(high[0])
                continue
            hits = int(np.sum(by[which] <= limit)) if n else 0  # NaT compares False
            low, high = wilson_interval(np.array([hits]), np.array([max(n, 1)]))
            row[f"p_{which}"] = hits / n if n else None
            row[f"low_{which}"] = float(low[0]) if n else None
            row[f"high_{which}"] = float(high[0]) if n else None
        rows.append(row)
    return pd.DataFrame(rows)


def terms_table(posterior: pd.DataFrame, prior: pd.DataFrame, issues: list[str]) -> pd.DataFrame:
    """Per issue and sample, among the runs with a deal: mean and 5/50/95% of the agreed value."""
    import pandas as pd

    rows = []
    for issue in issues:
        for which, frame in (("posterior", posterior), ("prior", prior)):
            column = f"terms.{issue}"
            values = pd.to_numeric(frame[column], errors="coerce") if column in frame \
                else pd.Series(dtype=float)
            w = _weighted(frame) if column in frame else None
            rows.append({"issue": issue, "sample": which, "deals": int(values.notna().sum()),
                         **quantile_row(values, w)})
    return pd.DataFrame(rows)


def calendar_table(posterior: pd.DataFrame, prior: pd.DataFrame, scenario) -> pd.DataFrame:  # noqa: ANN001
    """Per target: P(missed); per soft deadline: P(moved) and the mean number of moves."""
    import pandas as pd

    rows = []
    for name, d in scenario.deadlines.items():
        for which, frame in (("posterior", posterior), ("prior", prior)):
            n = len(frame)
            w = _weighted(frame)
            w = w / w.sum() if w is not None and n else None
            if d.kind == "target":
                col = frame.get(f"missed.{name}")
                hit = col.fillna(False).astype(bool) if col is not None else None
                p = (float(hit.mean()) if w is None else float(np.sum(w * hit.to_numpy()))) \
                    if hit is not None and n else None
                rows.append({"deadline": name, "kind": "target", "event": "missed",
                             "sample": which, "n": n, "p": p, "mean_moves": None})
            elif d.kind == "soft":
                col = frame.get(f"moves.{name}")
                moves = pd.to_numeric(col, errors="coerce").fillna(0) if col is not None else None
                rows.append({"deadline": name, "kind": "soft", "event": "moved", "sample": which,
                             "n": n, "p": _mean(moves > 0, w) if moves is not None and n
                             else None,
                             "mean_moves": _mean(moves, w) if moves is not None and n
                             else None})
    return pd.DataFrame(rows, columns=["deadline", "kind", "event", "sample", "n", "p",
                                       "mean_moves"])


def _ess(frame: pd.DataFrame) -> float | None:
    """Kish's effective sample size of a weighted sample (None for equal weights)."""
    w = _weighted(frame)
    return float(np.sum(w) ** 2 / np.sum(w ** 2)) if w is not None and len(w) else None


def _mean(values: pd.Series, w: np.ndarray | None) -> float:
    """The mean of ``values``, weighted by ``w`` (normalised) when given."""
    return float(values.mean()) if w is None else float(np.sum(w * values.to_numpy(dtype=float)))


def forecast(out: str | Path, after: dt.date | None = None) -> Forecast:
    """The forecast of the calibration in ``out`` for what follows ``after`` (default: the
    facts' ``as_of``, or their last date)."""
    from bargaining_chips.model import load_scenario

    out = Path(out)
    manifest = read_manifest(out)
    facts = manifest["facts"]
    if after is None:
        dates = [f["date"] for f in facts["facts"] if f.get("date")]
        text = facts.get("as_of") or (max(dates) if dates else None)
        if text is None:
            raise UserError(f"{out}: the facts name no date; give --after DATE")
        after = dt.date.fromisoformat(text)
    config = manifest["config"]
    scenario = load_scenario(manifest["scenario"], dict(config.get("constants") or {}))
    posterior, prior = posterior_and_prior(out, manifest.get("method", "rejection"))
    parameters = list(manifest["priors"])
    dates = forecast_dates(scenario, after)
    if not dates:
        raise UserError(f"--after {after}: no date of the calendar follows it; give a date "
                        "before the scenario's last round or deadline")
    numeric = [name for name, i in scenario.issues.items() if not getattr(i, "options", None)]
    return Forecast(
        name=manifest["name"], scenario=manifest["scenario"], after=after,
        posterior_draws=len(posterior), prior_draws=len(prior),
        marginals=marginals_table(posterior, prior, parameters),
        deal=deal_table(posterior, prior, dates),
        terms=terms_table(posterior, prior, numeric),
        calendar=calendar_table(posterior, prior, scenario),
        parameters=parameters,
        posterior_ess=_ess(posterior),
    )


def write_tables(result: Forecast, out: str | Path) -> list[Path]:
    """Write the forecast's tables as CSV into ``out``/forecast/; returns the files written."""
    from bargaining_chips.experiments.atomic import write_atomic

    folder = Path(out) / "forecast"
    files = []
    for name, frame in (("marginals", result.marginals), ("p_deal", result.deal),
                        ("terms", result.terms), ("calendar", result.calendar)):
        path = folder / f"{name}.csv"
        write_atomic(path, lambda tmp, f=frame: f.to_csv(tmp, index=False))
        files.append(path)
    return files


def write_forecast(result: Forecast, out: str | Path, plot_format: str = "png",
                   dpi: int = 200) -> list[Path]:
    """Write the forecast's tables (CSV) and plots into ``out``/forecast/ (``out`` a calibration
    folder); returns the files written."""
    from bargaining_chips.experiments.calibrate import plots
    from bargaining_chips.experiments.labels import labels_for
    from bargaining_chips.experiments.sweep.plots import save

    out = Path(out)
    folder = out / "forecast"
    files = write_tables(result, out)
    method = read_manifest(out).get("method", "rejection")
    posterior, prior = posterior_and_prior(out, method)
    labels = labels_for(result.scenario)
    figures = [
        ("marginals", plots.plot_marginals(posterior, prior, result.parameters, labels,
                                            ess=result.posterior_ess)),
        ("pairs", plots.plot_pairs(posterior, result.parameters, labels,
                                    ess=result.posterior_ess)),
        ("p_deal", plots.plot_p_deal_by_date(result.deal, result.after)),
        ("terms", plots.plot_terms(result.terms, labels)),
    ]
    for name, ax in figures:
        files.append(save(ax, folder / f"{name}.{plot_format}", dpi))
    result.files = files
    return files


def _missing(value) -> bool:  # noqa: ANN001
    return value is None or value != value  # None or NaN


def _span(row, centre: str) -> str:  # noqa: ANN001
    """``centre [5%, 95%]`` of a quantile row, or a dash."""
    if _missing(row[centre]):
        return "—".ljust(25)
    return f"{row[centre]:.3g} [{row['q05']:.3g}, {row['q95']:.3g}]".ljust(25)


def _probability(row, which: str) -> str:  # noqa: ANN001
    """``p [low, high]`` of a P(deal) row, or a dash."""
    if _missing(row[f"p_{which}"]):
        return "—".ljust(25)
    return (f"{row[f'p_{which}']:.2f} [{row[f'low_{which}']:.2f}, "
            f"{row[f'high_{which}']:.2f}]").ljust(25)


def _pair(frame: pd.DataFrame, key: str, value: str):  # noqa: ANN202
    """The posterior's and the prior's row of ``frame`` where column ``key`` is ``value``."""
    rows = frame[frame[key] == value]
    return (rows[rows["sample"] == "posterior"].iloc[0], rows[rows["sample"] == "prior"].iloc[0])


def format_forecast(result: Forecast) -> str:
    """The forecast as text: the posterior beside the prior (what ``run.py forecast`` prints).
    The parameters go by their paths (as the calibration config names them), the issues and
    dates by the scenario's words ("reciprocal tariff (%)", "end of the 90-day pause")."""
    from bargaining_chips.experiments.labels import labels_for

    labels = labels_for(result.scenario)
    spec = labels.spec
    head = "posterior                 prior"
    lines = [f"{result.name}: forecast after {result.after.isoformat()} — "
             f"{result.posterior_draws} posterior draws"
             + (f" (weighted: effective sample size {result.posterior_ess:.0f})"
                if result.posterior_ess is not None else "")
             + f", {result.prior_draws} prior draws",
             "", f"{'parameters (mean [5%, 95%])':<39}{head}"]
    for path in result.parameters:
        post, pri = _pair(result.marginals, "parameter", path)
        lines.append(f"  {path:<36} {_span(post, 'mean')} {_span(pri, 'mean')}")
    lines += ["", f"{'P(deal by date) [95% interval]':<39}{head}"]
    for _, row in result.deal.iterrows():
        lines.append(f"  {row['date']} {row['label'][:25]:<25} {_probability(row, 'posterior')} "
                     f"{_probability(row, 'prior')}")
    lines += ["", f"{'agreed terms (median [5%, 95%])':<39}{head}"]
    for issue in dict.fromkeys(result.terms["issue"]):
        post, pri = _pair(result.terms, "issue", issue)
        words = labels.outcome(f"terms.{issue}")
        lines.append(f"  {words:<36} {_span(post, 'q50')} {_span(pri, 'q50')}")
    if len(result.calendar):
        lines += ["", f"{'the calendar':<39}{head}"]
        for name in dict.fromkeys(result.calendar["deadline"]):
            post, pri = _pair(result.calendar, "deadline", name)
            cells = ["—".ljust(25) if _missing(r["p"]) else f"{r['p']:.2f}".ljust(25)
                     for r in (post, pri)]
            date = spec.deadlines[name] if spec is not None and name in spec.deadlines else None
            words = date.label if date is not None and date.label else name
            what = f"P({words} {post['event']})"
            lines.append(f"  {what:<36} {cells[0]} {cells[1]}")
    return "\n".join(line.rstrip() for line in lines)
