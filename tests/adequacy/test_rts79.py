"""The Monte Carlo reproduces a published reliability figure (issue 27): the IEEE Reliability Test System's
generating system (32 units, 3,405 MW) against its hourly load model (8,736 h, 2,850 MW peak), LOLE 9.39418 h/yr
and EUE (LOEE) 1,176 MWh/yr, analytical (Billinton & Allan 1996; Billinton & Li 1994; sources in ``rts79``)."""

import numpy as np
import pytest
import rts79

from gigawatt.adequacy import ReliabilityInputs, UnitGroup, simulate

DRAWS = 4000  # ~14 s on one core; the 95% half-widths come out near 5% (LOLE) and 6% (EUE) of the mean
SEED = 0
# Tolerance beyond the Monte Carlo's own 95% interval, as a share of the published figure. The simulated years
# estimate the same expectation as the analytical figure, without bias: each unit is a stationary two-state chain
# down a share q of hours (its whole-hour geometric spells change how outages cluster, not the chance a unit is
# down in a given hour, so LOLE and EUE summed over hours are unchanged) and units are independent, as in the COPT.
# So the gap is sampling noise alone, and a fixed-seed 95% interval would still miss 1 seed in 20; widening each
# side by 5% of the figure puts the published value about 4 standard errors inside, a miss about 1 in 10,000.
TOLERANCE = 0.05


def rts_units() -> tuple[UnitGroup, ...]:
    return tuple(UnitGroup(rts79.TECHNOLOGY[mw], float(mw), count, q, float(mttr))
                 for mw, (count, q, _mttf, mttr) in rts79.UNITS.items())


def test_load_model_is_the_rts79_hourly_model():
    """8,736 hours, the 2,850 MW peak on week 51's Tuesday at 5-7 pm (100% week, day and hours), and the annual
    energy the RTS-79 paper states (15,297 GWh, load factor 61.44%; as quoted by the transcriptions in ``rts79``)."""
    load = rts79.hourly_load_mw()
    assert load.size == 8736
    assert load.max() == pytest.approx(2850.0)
    peak_hours = np.flatnonzero(np.isclose(load, 2850.0))
    assert list(peak_hours) == [(50 * 7 + 1) * 24 + 17, (50 * 7 + 1) * 24 + 18]
    assert load.sum() / 1e3 == pytest.approx(15_297, abs=0.5)  # GWh
    assert load.mean() / load.max() == pytest.approx(0.6144, abs=5e-5)


def test_exact_calculation_gives_the_published_figures():
    """The capacity outage probability table of the 32 units, convolved with the 8,736 hourly loads, gives the
    published LOLE to its printed 6 figures and EUE to its printed 4: the tables here are the ones behind it."""
    lole, eue = rts79.analytical_indices(rts79.hourly_load_mw())
    assert lole == pytest.approx(rts79.PUBLISHED_LOLE_HOURS, abs=5e-6)
    assert round(eue) == rts79.PUBLISHED_EUE_MWH


@pytest.mark.slow
def test_monte_carlo_reproduces_the_published_lole_and_eue():
    result = simulate(ReliabilityInputs(load_mw=rts79.hourly_load_mw(), units=rts_units()), draws=DRAWS, seed=SEED)
    for estimate, published in ((result.lole_hours_per_year, rts79.PUBLISHED_LOLE_HOURS),
                                (result.eue_mwh_per_year, rts79.PUBLISHED_EUE_MWH)):
        # the Monte Carlo's 95% interval, widened by TOLERANCE of the published figure (why: see TOLERANCE)
        assert estimate.low - TOLERANCE * published <= published <= estimate.high + TOLERANCE * published, (estimate, published)
        # and the interval is tight enough for the check to mean something: half-width under 8% of the mean
        assert estimate.high - estimate.mean < 0.08 * estimate.mean
