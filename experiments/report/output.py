"""Writing result files atomically: each file is complete or absent, never half-written
(:mod:`bargaining_chips.experiments.atomic`)."""

from __future__ import annotations

import json
from pathlib import Path

from bargaining_chips.experiments.atomic import write_atomic, write_text

__all__ = ["save_figure", "write_atomic", "write_json", "write_text"]


def write_json(path: Path, data: object) -> None:
    write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def save_figure(path: Path, fig, fmt: str = "png", dpi: int = 120) -> None:
    """Save a matplotlib figure atomically (``fmt``: png, svg, pdf) and close it."""
    import matplotlib.pyplot as plt

    try:
        write_atomic(path, lambda tmp: fig.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight"))
    finally:
        plt.close(fig)
