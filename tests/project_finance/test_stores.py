"""A single plan's storage MWh split among its stores for the pro forma: a fixed-duration store (iron-air, 100 h)
holds its hours times its MW, the freely sized one the rest (not the total counted once per store)."""

from __future__ import annotations

import pytest

from gigawatt.project_finance.campus import _stores_mwh


def test_a_fixed_duration_store_takes_its_hours_and_the_battery_the_rest():
    split = _stores_mwh({"utility_pv": 500.0, "battery_li_ion": 100.0, "iron_air_100h": 20.0}, 2_400.0)
    assert split["iron_air_100h"] == pytest.approx(2_000.0)
    assert split["battery_li_ion"] == pytest.approx(400.0)
    assert _stores_mwh({"battery_li_ion": 100.0}, 400.0)["battery_li_ion"] == 400.0  # one store: the total, as before
