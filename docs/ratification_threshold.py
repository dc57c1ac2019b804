#!/usr/bin/env python3
"""The two-level game in one sweep: Japan's ratification threshold against the outcome.

    python docs/ratification_threshold.py                 # 21 thresholds × 200 seeds × 2 → the figure
    python docs/ratification_threshold.py --seeds 50      # quicker

For each threshold θ (``actors.Japan.ratification.threshold``) the default scenario is run with
seeds 0..N−1, once as it is (the farm lobby JA tolerates farm access up to 30% of the US ask:
``actors.JA_Farm.reservation = 0.7``) and once with a farm lobby that tolerates no opening at all
(reservation 1.0). The script records whether there was a deal, whether it came by the G7 summit,
how often home rejected a deal accepted at the table, and — over the deals — the farm access Japan
conceded and both governments' utilities. It writes ``docs/figures/ratification_threshold.png``
and prints the table (also as CSV with ``--csv PATH``).

Japan's domestic side weighs the cabinet 0.35, the car industry 0.25, business (SoftBank) 0.10
and the farm lobby 0.30 (see the scenario's [sources]); θ above 0.70 makes the farm lobby's
approval necessary, so any deal must keep rice within what it tolerates.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


VARIANTS = {"farm lobby tolerates 30%": 0.7, "farm lobby tolerates no opening": 1.0}


def sweep(thresholds, seeds, ja_reservation: float = 0.7) -> list[dict]:
    from bargaining_chips.model import NegotiationModel, load_scenario
    from bargaining_chips.model.metrics import summary

    rows = []
    for theta in thresholds:
        spec = load_scenario("us_japan_2025", {"actors.Japan.ratification.threshold": float(theta),
                                               "actors.JA_Farm.reservation": ja_reservation})
        results = []
        for seed in seeds:
            model = NegotiationModel(spec, seed)
            model.run()
            results.append(summary(model))
            model.release()
        deals = [r for r in results if r["agreement"]]
        rows.append({
            "ja_reservation": ja_reservation,
            "threshold": float(theta),
            "p_deal": np.mean([r["agreement"] for r in results]),
            "p_deal_by_g7": np.mean([r["agreement_by_first_deadline"] for r in results]),
            "home_rejections": np.mean([r["home_rejections"] for r in results]),
            "farm_access": np.mean([r["terms"]["farm_access"] for r in deals]) if deals else np.nan,
            "u_japan": np.mean([r["utilities"]["Japan"] for r in deals]) if deals else np.nan,
            "u_us": np.mean([r["utilities"]["US"] for r in deals]) if deals else np.nan,
        })
    return rows


def plot(rows, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.4))
    styles = {0.7: ("-", "o"), 1.0: ("--", "s")}
    for label, res in VARIANTS.items():
        part = [r for r in rows if r["ja_reservation"] == res]
        if not part:
            continue
        ls, mk = styles.get(res, (":", "^"))
        th = [r["threshold"] for r in part]
        axes[0].plot(th, [r["p_deal"] for r in part], ls, marker=mk, color="#1f4e79",
                     label=f"P(deal), {label}")
        axes[0].plot(th, [r["p_deal_by_g7"] for r in part], ls, marker=mk, color="#2e8b57",
                     label=f"P(deal by the G7), {label}")
        axes[1].plot(th, [r["farm_access"] for r in part], ls, marker=mk, color="#8e44ad",
                     label=label)
        axes[2].plot(th, [r["u_japan"] for r in part], ls, marker=mk, color="#c0392b",
                     label=f"Japan, {label}")
        axes[2].plot(th, [r["u_us"] for r in part], ls, marker=mk, color="#1f4e79",
                     label=f"US, {label}")
    titles = ("Whether there is a deal", "Farm access Japan concedes (mean over deals)",
              "Utility of the deal (mean over deals)")
    ylabels = ("probability over seeds", "% of the US ask", "utility")
    for ax, title, ylabel in zip(axes, titles, ylabels, strict=True):
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("Japan's ratification threshold θ")
        ax.set_ylabel(ylabel)
        ax.axvline(0.70, color="grey", ls=":", lw=1)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="lower left")
    axes[0].set_ylim(-0.03, 1.05)
    axes[1].set_ylim(-3, 103)
    fig.suptitle("Tying Japan's hands at home (dotted: above θ = 0.70 the farm lobby's approval is "
                 "needed) — the default scenario, 200 seeds per point", fontsize=11)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--steps", type=int, default=21, help="thresholds from 0 to 1")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "figures" /
                        "ratification_threshold.png")
    parser.add_argument("--csv", type=Path, default=None)
    args = parser.parse_args(argv)
    thresholds = np.linspace(0.0, 1.0, args.steps)
    rows = [row for res in VARIANTS.values() for row in sweep(thresholds, range(args.seeds), res)]
    print(f"{'JA r':>5} {'θ':>5} {'P(deal)':>8} {'by G7':>6} {'rejected':>9} {'farm %':>7} "
          f"{'u Japan':>8} {'u US':>6}")
    for r in rows:
        print(f"{r['ja_reservation']:5.2f} {r['threshold']:5.2f} {r['p_deal']:8.2f} "
              f"{r['p_deal_by_g7']:6.2f} "
              f"{r['home_rejections']:9.2f} {r['farm_access']:7.1f} {r['u_japan']:8.3f} {r['u_us']:6.3f}")
    if args.csv:
        import pandas as pd

        pd.DataFrame(rows).to_csv(args.csv, index=False)
    plot(rows, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
