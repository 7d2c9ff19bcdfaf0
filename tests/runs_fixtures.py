"""One small real run of every kind, made once per test session, for the API, store and schema tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES

import gigawatt

HOURS_2023 = pd.date_range("2023-01-01 06:00", periods=8760, freq="h")  # UTC end of hour: local 2023 in PJM (UTC-5)


def demand_csv(folder) -> str:
    """A year of hourly PJM-like demand (MW) peaking on summer afternoons."""
    hours = np.arange(8760)
    load = 30_000 + 6_000 * np.exp(-(((hours - 4900) / 900.0) ** 2)) + 3_000 * np.sin(np.pi * ((hours % 24) - 6) / 24).clip(0)
    path = folder / "demand.csv"
    pd.DataFrame({"PJM": load + np.random.default_rng(1).normal(0, 600, 8760)}, index=HOURS_2023.rename("datetime_utc")).to_csv(path)
    return str(path)


def inputs_of_every_kind(folder) -> dict[str, tuple]:
    """(inputs, overrides) of a quick run of each kind."""
    return {
        "size": ({"name": "100k H100", "cluster": {"accelerator": "H100", "count": 100_000}}, None),
        "plan": (EXAMPLES / "west-texas-offgrid.yaml", {"site.screening_segments": 240}),
        "buildout": (EXAMPLES / "buildout" / "10gw.yaml", {"draws": 40}),
        "headroom": ({"name": "PJM test", "files": [demand_csv(folder)], "systems": ["PJM"], "limits_pct": [0.5, 1.0],
                      "campus": {"mw": 200, "limit_pct": 1.0}}, None),
        "site": ({"name": "two parcels", "target_mw": 1000, "block_mw": 1000, "technologies": ["gas_recip", "gas_cc"],
                  "candidates": [{"region": "ERCOT_W", "max_mw": 1000, "options": "onsite"}, {"region": "PJM", "max_mw": 1000, "options": "grid"}]},
                 None),
        "schedule": (EXAMPLES / "schedule" / "phoenix-srp-event.yaml", None),
        "finance": (EXAMPLES / "finance" / "west-texas-campus.yaml", {"site.screening_segments": 240}),
        "reliability": (EXAMPLES / "reliability" / "west-texas-offgrid.yaml", {"site.screening_segments": 48, "reliability.draws": 50}),
    }


@pytest.fixture(scope="session")
def runs(tmp_path_factory) -> dict[str, gigawatt.Result]:
    """A fresh result of every kind (not stored)."""
    folder = tmp_path_factory.mktemp("runs")
    return {kind: gigawatt.run(kind, inputs, set=overrides, store=None) for kind, (inputs, overrides) in inputs_of_every_kind(folder).items()}
