"""Capital recovery: the one place overnight capital becomes a yearly cost."""

from __future__ import annotations

import math


def capital_recovery_factor(discount_rate: float, lifetime_years: float) -> float:
    """Share of an overnight capital cost paid each year to recover it over ``lifetime_years``.

    ``r / (1 - (1 + r)^-n)``, its denominator computed as ``-expm1(-n log1p(r))`` so that a rate close to
    zero (1e-300) tends to ``1/n`` instead of dividing by a zero that rounding made; ``1/n`` when the rate
    is zero. The one place capital is annualised.
    """
    if lifetime_years <= 0:
        raise ValueError("lifetime_years must be positive")
    denominator = -math.expm1(-lifetime_years * math.log1p(discount_rate))
    if discount_rate == 0 or denominator == 0:
        return 1.0 / lifetime_years
    return discount_rate / denominator
