"""Writing result files atomically: each file is complete or absent, never half-written
(:mod:`bargaining_chips.experiments.atomic`)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from bargaining_chips.experiments.atomic import write_atomic, write_text

__all__ = ["PLOT_FORMATS", "save_figure", "write_atomic", "write_json", "write_text"]

#: The file formats plots are written in (matplotlib writes each without extra packages).
PLOT_FORMATS = ("png", "svg", "pdf")


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


#: Metadata left out of each format, so the same plot gives the same bytes (no dates, versions).
REPRODUCIBLE_METADATA = {"png": {"Software": None}, "svg": {"Date": None},
                         "pdf": {"CreationDate": None}}


def save_figure(path: Path, fig, fmt: str = "png", dpi: int = 200) -> None:
    """Save a matplotlib figure atomically as ``fmt`` (png, svg or pdf) at ``dpi`` (raster
    plots, and images embedded in vector ones), and close it. The same figure gives the same
    bytes: no creation date or software version is written into the file."""
    import matplotlib
    import matplotlib.pyplot as plt

    if fmt not in PLOT_FORMATS:
        raise ValueError(f"unknown plot format {fmt!r}; expected one of {', '.join(PLOT_FORMATS)}")

    def write(tmp: Path) -> None:
        # SVG ids are otherwise random; the salt is set for this one file, not globally.
        with matplotlib.rc_context({"svg.hashsalt": "bargaining-chips"}):
            fig.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight",
                        metadata=REPRODUCIBLE_METADATA[fmt])

    try:
        write_atomic(path, write)
    finally:
        plt.close(fig)
