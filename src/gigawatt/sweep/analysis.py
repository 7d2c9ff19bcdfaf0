"""What a sweep's points say, pure: its table, the ranking of inputs, the tornado, Sobol' indices and a build-out's fan
of capacity online."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gigawatt.core.errors import ScenarioError
from gigawatt.sweep.design import _problem, shorten_quoted


@dataclass
class SweepResult:
    """A sweep's points: their overrides, status, run id and headline figures (one row a point)."""

    kind: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    varied: list[str] = field(default_factory=list)
    startup_s: float = 0.0  # starting the cluster and warming its workers
    points_s: float = 0.0  # running the points

    def table(self):
        """The sweep table as a pandas DataFrame (one row a point)."""
        import pandas as pd

        return pd.DataFrame(self.rows)


def sobol_indices(result: SweepResult, keys: list[str], figure: str, seed: int = 0) -> list[dict[str, Any]]:
    """First-order and total Sobol' indices of ``figure`` for the sampled inputs ``keys`` (in the order they
    were sampled), with their 95% bootstrap half-widths; empty when a point failed (the design needs all)."""
    values = [r.get(figure) for r in result.rows]
    if not values or any(r.get("status") != "done" or not isinstance(v, int | float) for r, v in zip(result.rows, values)):
        return []
    from SALib.analyze import sobol as analyse

    found = analyse.analyze(_problem(len(keys)), np.asarray(values, dtype=float), calc_second_order=False, seed=seed)
    out = [{"input": key, "first_order": float(found["S1"][k]), "first_order_conf": float(found["S1_conf"][k]),
            "total": float(found["ST"][k]), "total_conf": float(found["ST_conf"][k])} for k, key in enumerate(keys)]
    return sorted(out, key=lambda r: -r["total"])


def ranking(result: SweepResult, figure: str) -> list[dict[str, Any]]:
    """Which inputs matter: the Spearman rank correlation of each numeric varied input with ``figure`` over
    the points that ran, largest in size first."""
    import pandas as pd

    rows = [r for r in result.rows if r.get("status") == "done" and isinstance(r.get(figure), int | float)]
    out = []
    for key in (k for k in result.varied if k != WEATHER_YEAR):  # a year's number says nothing of its weather
        pairs = [(r[key], r[figure]) for r in rows if isinstance(r.get(key), int | float) and not isinstance(r.get(key), bool)]
        if len(pairs) < 3 or len({x for x, _ in pairs}) < 2 or len({y for _, y in pairs}) < 2:
            continue  # a constant input or figure has no rank correlation
        # Spearman's rho is Pearson's r of the ranks (ties averaged, as scipy.stats.spearmanr): computed here, since
        # importing scipy.stats alone takes longer than reading a whole stored sweep
        ranks = [pd.Series(values).rank().to_numpy() for values in ([x for x, _ in pairs], [y for _, y in pairs])]
        rho = np.corrcoef(*ranks)[0, 1]
        out.append({"input": key, "spearman": float(rho) if np.isfinite(rho) else 0.0, "points": len(pairs)})
    return sorted(out, key=lambda r: -abs(r["spearman"]))


def tornado(result: SweepResult, figure: str, design: str = "oat") -> list[dict[str, Any]]:
    """The swing of ``figure`` per varied input, sorted by the swing (largest first). One at a time: its
    value at the base and at each input's lowest and highest setting. On a grid: its main effect, the
    mean over the other inputs' settings at the input's lowest and highest setting, about the mean of all."""
    rows = [r for r in result.rows if r.get("status") == "done" and isinstance(r.get(figure), int | float)]
    if design == "grid":
        if not rows:
            raise ScenarioError(f"tornado of {shorten_quoted(figure)}: no point of the grid ran with that figure")
        out = []
        for key in result.varied:
            settings = sorted({r[key] for r in rows}, key=lambda v: (isinstance(v, str), v))
            mean = {v: float(np.mean([r[figure] for r in rows if r[key] == v])) for v in (settings[0], settings[-1])}
            out.append({"input": key, "low_setting": settings[0], "high_setting": settings[-1], "base": float(np.mean([r[figure] for r in rows])),
                        "at_low": mean[settings[0]], "at_high": mean[settings[-1]], "swing": abs(mean[settings[-1]] - mean[settings[0]])})
        return sorted(out, key=lambda r: -r["swing"])
    base = next((r for r in rows if not any(k in r for k in result.varied)), None)
    if base is None or figure not in base:
        raise ScenarioError(f"tornado of {shorten_quoted(figure)}: needs a one-at-a-time sweep whose base point ran and has that figure")
    out = []
    for key in result.varied:
        along = sorted((r for r in rows if key in r and r.get(figure) is not None), key=lambda r: r[key])
        if not along:
            continue
        low, high = along[0], along[-1]
        out.append({"input": key, "low_setting": low[key], "high_setting": high[key], "base": base[figure],
                    "at_low": low[figure], "at_high": high[figure], "swing": abs(high[figure] - low[figure])})
    return sorted(out, key=lambda r: -r["swing"])


def fan(result: SweepResult) -> list[dict[str, Any]]:
    """A build-out sweep's fan: by date, the P10, P25, P50, P75 and P90 over its points of the capacity
    online (GW), from each point's path (taken out of the rows)."""
    paths = [r.pop(TRAJECTORY) for r in result.rows if TRAJECTORY in r]
    if not paths:
        return []
    dates = [d for d, _ in paths[0]]
    matrix = np.array([[gw for _, gw in path] for path in paths if len(path) == len(dates)], dtype=float)
    levels = np.quantile(matrix, FAN_QUANTILES, axis=0)
    return [{"date": d, **{f"p{round(q * 100)}_online_gw": float(levels[k, i]) for k, q in enumerate(FAN_QUANTILES)}}
            for i, d in enumerate(dates)]


FAN_STEP = 4  # a build-out's periods are weeks: the fan has one every four


FAN_QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


TRAJECTORY = "trajectory"  # a build-out point's online GW by date, taken out of the table into the fan


WEATHER_YEAR = "weather_year"  # the sweep table's column for a weather-year axis


class SweepOutput:
    """What :func:`sweep` computed, as ``data`` and tables (``points``, and ``fan`` for build-outs)."""

    def __init__(self, data: dict[str, Any]):
        self.data = data

    def to_dict(self) -> dict[str, Any]:
        return self.data

    def to_frames(self) -> dict[str, Any]:
        return sweep_frames(self.data)


def sweep_frames(data: dict[str, Any]) -> dict[str, Any]:
    """The sweep's tables: ``points`` (one row a point) and, for build-outs, ``fan``. A column holding
    values of several types (a varied input given as text and numbers) is kept as text."""
    import pandas as pd

    points_frame = pd.DataFrame(data["points"])
    for column in points_frame.columns[points_frame.dtypes == object]:
        kinds = {type(v) for v in points_frame[column] if v is not None and v == v}
        if len(kinds) > 1:
            points_frame[column] = points_frame[column].map(lambda v: None if v is None or v != v else str(v))
    frames = {"points": points_frame}
    if data.get("fan"):
        frames["fan"] = pd.DataFrame(data["fan"])
    return frames
