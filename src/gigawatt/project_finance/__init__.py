"""Money over time: the pro forma of a campus and its power supply (cash flows, tax, credits, debt, NPV, IRR,
LCOE and the break-even price of an accelerator-hour)."""
