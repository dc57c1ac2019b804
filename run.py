#!/usr/bin/env python3
"""Bargaining Chips — the command line of a checkout (``bargaining-chips`` once installed).

A thin shim: every command lives in :mod:`bargaining_chips.cli`; ``python run.py --help`` lists them.
"""

import sys

from bargaining_chips.cli import main

if __name__ == "__main__":
    sys.exit(main(prog="python run.py"))
