"""Domain errors: one type per kind of user mistake.

Every message names the field, the value and the fix, on one line, so the CLI can print it as is and
exit with status 2.
"""

from __future__ import annotations


class GigawattError(Exception):
    """Base class of every error a user can cause and fix."""


class DataError(GigawattError):
    """A bundled or user-supplied table is malformed (names file, row and column)."""


class ScenarioError(GigawattError):
    """A scenario file or override is invalid (names the key, and the line where known)."""


class InfeasibleError(GigawattError):
    """An optimisation has no solution under the stated constraints."""
