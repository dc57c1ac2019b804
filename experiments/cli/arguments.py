"""Checks of command-line arguments made before any work starts.

A seed is checked as argparse reads it (:func:`seed`); an output folder before the model or the
sweep runs (:func:`check_output_folder`), so a typo in ``--out`` costs nothing and writes nothing.
The plots' ``--format`` and ``--dpi`` are one pair of options, added by
:func:`add_plot_arguments` to every command that draws (``run``, ``validate``, ``sweep``,
``sensitivity``) and checked as argparse reads them.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from bargaining_chips.experiments.report.output import PLOT_FORMATS
from bargaining_chips.model.errors import UserError

# Seeds are stored in 64-bit integer columns (sweep tables) and handed to numpy's SeedSequence,
# which takes only non-negative integers.
MAX_SEED = 2**63 - 1

DEFAULT_FORMAT, DEFAULT_DPI = "png", 200
#: The resolutions a plot may be rasterised at: below 10 dpi nothing is legible; above 1200 (what
#: print journals ask of line art) the widest figure would pass matplotlib's 2^16-pixel limit.
MIN_DPI, MAX_DPI = 10, 1200


def seed(text: str) -> int:
    """argparse ``type`` of a seed: an integer in [0, 2^63 − 1]."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number; "
                                         f"a seed is an integer from 0 to {MAX_SEED}") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"{text} is out of range; "
                                         f"a seed is an integer from 0 to {MAX_SEED}")
    return value


def dpi(text: str) -> int:
    """argparse ``type`` of ``--dpi``: a whole number of dots per inch in [10, 1200]."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number; the resolution is "
                                         f"{MIN_DPI} to {MAX_DPI} dots per inch") from None
    if not MIN_DPI <= value <= MAX_DPI:
        raise argparse.ArgumentTypeError(f"{text} is out of range; the resolution is "
                                         f"{MIN_DPI} to {MAX_DPI} dots per inch (print: 300)")
    return value


def add_plot_arguments(parser: argparse.ArgumentParser) -> None:
    """``--format png|svg|pdf`` (``args.plot_format``) and ``--dpi N`` (``args.dpi``): how a
    command writes its plots. A bad value is argparse's one-line error, exit status 2."""
    parser.add_argument("--format", dest="plot_format", choices=PLOT_FORMATS,
                        default=DEFAULT_FORMAT,
                        help=f"the plots' file format (default: {DEFAULT_FORMAT})")
    parser.add_argument("--dpi", type=dpi, default=DEFAULT_DPI, metavar="N",
                        help=f"resolution of raster plots, {MIN_DPI} to {MAX_DPI} dots per inch "
                        f"(default: {DEFAULT_DPI})")


def check_plot_arguments_used(args: argparse.Namespace, drawn: bool, context: str,
                              fix: str) -> None:
    """Raise :class:`UserError` if ``--format`` or ``--dpi`` was changed for a command that draws
    nothing this time (``drawn`` false): "--dpi has no effect CONTEXT; FIX"."""
    if drawn:
        return
    changed = [flag for flag, value, default in (("--format", args.plot_format, DEFAULT_FORMAT),
                                                 ("--dpi", args.dpi, DEFAULT_DPI))
               if value != default]
    if changed:
        verb = "have" if len(changed) > 1 else "has"
        raise UserError(f"{' and '.join(changed)} {verb} no effect {context}; {fix}")


def check_output_folder(out: Path, option: str = "--out") -> None:
    """Raise :class:`UserError` unless ``out`` is a folder we can write into, or can create.

    Nothing is left behind: an existing folder is probed with a temporary file deleted at once; a
    missing one is not created (that is the writer's job once there are results), but its nearest
    existing parent must be a writable folder.
    """
    if out.exists() and not out.is_dir():
        raise UserError(f"{option} {out}: is a file, not a folder; name a folder for the results")
    probe = out
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        raise UserError(f"{option} {out}: {probe} is a file, not a folder; name a folder")
    try:
        with tempfile.TemporaryFile(dir=probe):
            pass
    except OSError as err:
        reason = err.strerror or type(err).__name__
        where = "" if probe == out else f" (its parent {probe})"
        raise UserError(f"{option} {out}: cannot write there{where}: {reason}") from None
    if not os.access(probe, os.W_OK | os.X_OK):
        raise UserError(f"{option} {out}: cannot write there: permission denied")
