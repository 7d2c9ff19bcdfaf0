"""Time and unit constants, month arithmetic, name matching and the shortening of echoed values: the one
home of each (models import them from here)."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

HOURS_PER_YEAR = 8760.0  # a 365-day year: capital and fixed costs are per such year
MONTHS_PER_YEAR = 12
SECONDS_PER_DAY = 86_400.0
W_PER_MW = 1e6
KW_PER_MW = 1e3
MW_PER_GW = 1e3


ECHO_CHARS = 60  # a value echoed back in a one-line error is cut to this many characters


def name_key(name: str) -> str:
    """A name as matched: case, spaces and punctuation ignored ("tpu-v5p" finds "TPU v5p")."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def shorten(value: Any, limit: int = ECHO_CHARS) -> str:
    """``repr(value)`` on one line, cut to ``limit`` characters with an ellipsis (for echoing user input)."""
    text = " ".join(repr(value).splitlines())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def month_start(month: str) -> date:
    """The first day of a ``YYYY-MM`` month."""
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, 1)


def add_months(month: str, months: float) -> str:
    """The ``YYYY-MM`` month ``months`` after ``month`` (a fraction of a month rounds up)."""
    year, number = (int(part) for part in month.split("-"))
    total = year * 12 + number - 1 + math.ceil(months)
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def months_between(first: str, last: str) -> int:
    """Whole months from ``YYYY-MM`` ``first`` to ``last`` (negative when ``last`` is earlier)."""
    a, b = month_start(first), month_start(last)
    return (b.year - a.year) * MONTHS_PER_YEAR + b.month - a.month
