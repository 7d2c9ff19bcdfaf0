"""One display name and one colour per technology (catalog/styles.csv), the same in every chart, page and PNG."""

from __future__ import annotations

import re

from gigawatt import catalog


def test_every_technology_has_its_own_name_and_colour():
    styles = catalog.load_table("styles.csv")
    technologies = set(catalog.technologies()["technology"])
    assert technologies <= set(styles["name"]), f"technologies without a style: {technologies - set(styles['name'])}"
    assert styles["colour"].map(lambda c: bool(re.fullmatch(r"#[0-9A-Fa-f]{6}", c))).all()
    assert not styles["colour"].str.upper().duplicated().any(), "two series share a colour"
    assert not styles["display_name"].duplicated().any()


def test_series_and_cost_items_take_their_technology_colour():
    name, colour = catalog.style("utility_pv")
    assert name == "Solar PV" and catalog.style("utility_pv_mw") == (name, colour)
    assert catalog.style("battery_li_ion_charge_mw") == ("Li-ion battery charging", catalog.style("battery_li_ion")[1])
    assert catalog.style("gas_recip_capital")[1] == catalog.style("gas_recip")[1]
    assert catalog.display_name("gas_recip_capital") == "Gas engines capital"


def test_an_unknown_series_keeps_a_stable_colour_and_a_readable_name():
    assert catalog.style("lost_compute") == catalog.style("lost_compute")
    assert catalog.display_name("lost_compute") == "lost compute"
