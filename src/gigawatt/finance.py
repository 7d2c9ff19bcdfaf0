"""Capital recovery: the one place overnight capital becomes a yearly cost."""

from __future__ import annotations


def capital_recovery_factor(discount_rate: float, lifetime_years: float) -> float:
    """Share of an overnight capital cost paid each year to recover it over ``lifetime_years``.

    ``r / (1 - (1 + r)^-n)``; ``1/n`` when the rate is zero. The one place capital is annualised.
    """
    if lifetime_years <= 0:
        raise ValueError("lifetime_years must be positive")
    if discount_rate == 0:
        return 1.0 / lifetime_years
    return discount_rate / (1.0 - (1.0 + discount_rate) ** -lifetime_years)
