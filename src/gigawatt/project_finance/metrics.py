"""Metrics of a cash-flow series: NPV, IRR (with why there is none, or no single one) and payback.

IRR and NPV come from numpy-financial; whether an IRR exists and is unique is read from the cash flows' signs
(Descartes' rule of signs: one sign change gives exactly one rate above -100%) and, with more sign changes,
from the real roots of the NPV polynomial (numpy's companion-matrix eigenvalues), never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy_financial as npf

ROOT_IMAG_TOLERANCE = 1e-9  # a polynomial root with a smaller imaginary part is real (numpy's eigenvalues carry ~1e-12 noise)
ROOT_MATCH_TOLERANCE = 1e-7  # two rates closer than this are one root, per year


@dataclass(frozen=True)
class Irr:
    """An internal rate of return, per year (nominal unless the name says real), or ``None`` with the reason."""

    rate_per_year: float | None
    reason: str | None = None  # why there is no rate (no sign change, several rates, no root)

    def real(self, inflation_rate_per_year: float) -> Irr:
        """The same return in real terms: (1 + nominal) / (1 + inflation) - 1."""
        if self.rate_per_year is None:
            return self
        return Irr((1.0 + self.rate_per_year) / (1.0 + inflation_rate_per_year) - 1.0)

    def to_dict(self) -> dict[str, Any]:
        return {"rate_per_year": self.rate_per_year, "reason": self.reason}


def npv_of(rate_per_year: float, cash_flows_usd: np.ndarray) -> float:
    """Net present value at ``rate_per_year`` of cash flows in years 0..N (year 0 undiscounted), USD."""
    return float(npf.npv(rate_per_year, cash_flows_usd))


def sign_changes(cash_flows_usd: np.ndarray) -> int:
    """How often the cash flows change sign, zeros skipped."""
    signs = np.sign(np.asarray(cash_flows_usd, dtype=float))
    signs = signs[signs != 0]
    return int(np.count_nonzero(signs[1:] != signs[:-1]))


def _rates(cash_flows_usd: np.ndarray) -> list[float]:
    """Every real rate above -100%/yr at which the NPV is zero: roots x = 1/(1+r) > 0 of sum c_t x^t."""
    flows = np.trim_zeros(np.asarray(cash_flows_usd, dtype=float), "b")
    lead = len(cash_flows_usd) - len(np.trim_zeros(np.asarray(cash_flows_usd, dtype=float), "f"))
    flows = flows[lead:]
    roots = np.roots(flows[::-1])  # highest power first
    real = roots[(np.abs(roots.imag) <= ROOT_IMAG_TOLERANCE * np.maximum(1.0, np.abs(roots))) & (roots.real > 0)].real
    rates = sorted(1.0 / real - 1.0)
    unique: list[float] = []
    for rate in rates:
        if not unique or abs(rate - unique[-1]) > ROOT_MATCH_TOLERANCE * max(1.0, abs(rate)):
            unique.append(float(rate))
    return unique


def irr_of(cash_flows_usd: np.ndarray) -> Irr:
    """The IRR of cash flows in years 0..N, per year, or ``None`` with the reason where it does not exist or
    is not unique."""
    changes = sign_changes(cash_flows_usd)
    if changes == 0:
        return Irr(None, "no IRR: the cash flows are all of one sign, so no rate makes their NPV zero")
    if changes == 1:  # Descartes: exactly one positive root x = 1/(1+r), one rate above -100%
        rate = float(npf.irr(cash_flows_usd))
        if not np.isfinite(rate):
            rates = _rates(cash_flows_usd)
            if len(rates) != 1:
                return Irr(None, "no IRR: numpy-financial found no rate for these cash flows")
            rate = rates[0]
        return Irr(rate)
    rates = _rates(cash_flows_usd)
    if not rates:
        return Irr(None, f"no IRR: the cash flows change sign {changes} times but no rate above -100%/yr makes their NPV zero")
    if len(rates) > 1:
        shown = ", ".join(f"{r:.4%}" for r in rates[:4])
        return Irr(None, f"IRR not unique: the cash flows change sign {changes} times and the NPV is zero at {shown} a year")
    return Irr(rates[0])


def payback_year(cash_flows_usd: np.ndarray) -> int | None:
    """The first year at whose end the cumulative (undiscounted) cash flow is no longer negative, or ``None``."""
    cumulative = np.cumsum(np.asarray(cash_flows_usd, dtype=float))
    reached = np.flatnonzero(cumulative >= 0)
    if len(reached) == 0:
        return None
    first = int(reached[0])
    if np.all(cumulative[first:] >= 0):
        return first
    later = [i for i in reached if np.all(cumulative[i:] >= 0)]
    return int(later[0]) if later else None
