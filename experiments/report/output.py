"""Writing result files atomically: each file is complete or absent, never half-written
(:mod:`bargaining_chips.experiments.atomic`)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from bargaining_chips.experiments.atomic import write_atomic, write_text

__all__ = ["save_figure", "write_atomic", "write_json", "write_text"]


def write_json(path: Path, data: object) -> None:
    """Strict JSON (RFC 8259): a NaN or an infinity is an error, never a bare ``NaN`` in the file."""
    write_text(path, json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def finite_or_null(data: object) -> object:
    """``data`` with every NaN or infinite float replaced by None (``null`` in JSON): for tables
    where a value can be undefined, such as an alignment with a categorical no-deal that is none
    of the options."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: finite_or_null(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [finite_or_null(v) for v in data]
    return data


def save_figure(path: Path, fig, fmt: str = "png", dpi: int = 120) -> None:
    """Save a matplotlib figure atomically (``fmt``: png, svg, pdf) and close it."""
    import matplotlib.pyplot as plt

    try:
        write_atomic(path, lambda tmp: fig.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight"))
    finally:
        plt.close(fig)
