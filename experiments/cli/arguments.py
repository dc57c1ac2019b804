"""Checks of command-line arguments made before any work starts.

A seed is checked as argparse reads it (:func:`seed`); an output folder before the model or the
sweep runs (:func:`check_output_folder`), so a typo in ``--out`` costs nothing and writes nothing.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from bargaining_chips.model.errors import UserError

# Seeds are stored in 64-bit integer columns (sweep tables) and handed to numpy's SeedSequence,
# which takes only non-negative integers.
MAX_SEED = 2**63 - 1


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
