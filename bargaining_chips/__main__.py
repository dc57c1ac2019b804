"""``python -m bargaining_chips``: the command line."""

import sys

from bargaining_chips.cli import main

sys.exit(main(prog="python -m bargaining_chips"))
