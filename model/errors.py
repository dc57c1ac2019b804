"""User errors: bad input that the command line reports in one line with exit status 2.

Anything a user can get wrong — a missing or malformed file, an unknown name, a value out of its
range — raises :class:`UserError` (or a subclass) with a message that names the file, the field and
what is expected. ``run.py`` prints ``error: <message>`` on stderr and exits with status 2; any other
exception is an internal error (status 1).
"""

from __future__ import annotations


class UserError(Exception):
    """Bad input, reported to the user as one line; exit status 2."""


class InputFileError(UserError):
    """A file a user gave (a scenario, a sweep config) or a value in it that does not validate.

    ``source`` is the file (or ``--set`` for an override), ``field`` the dotted path of the offending
    value (empty for the file as a whole), ``expected`` what would be valid.
    """

    def __init__(self, source: str, field: str, expected: str) -> None:
        self.source = source
        self.field = field
        self.expected = expected
        where = f"{source}: {field}" if field else source
        super().__init__(f"{where}: {expected}")


class ScenarioError(InputFileError):
    """A scenario file or override that does not validate (see :class:`InputFileError`)."""


class ScenarioWarning(UserWarning):
    """A setting that is legitimate but has no effect in the scenario it is applied to (say, an
    extension of the last deadline that has no round to extend to). The command line prints it
    as one line on stderr, ``warning: <file>: <field>: <what to do>``, and carries on."""

    def __init__(self, source: str, field: str, expected: str) -> None:
        self.source = source
        self.field = field
        self.expected = expected
        super().__init__(f"{source}: {field}: {expected}")
