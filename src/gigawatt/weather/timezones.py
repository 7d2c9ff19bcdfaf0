"""A site's civil time zone, and the conversions between the model's clock and the clocks people read.

The model's clock: every hourly series of a plan is on one tz-naive, hour-beginning index of the plan's year in
the site's **local standard time** (:func:`gigawatt.weather.synthetic.hourly_index`): consecutive hours, no
daylight-saving jumps, 8760 or 8784 of them. "Local standard time" is the standard (winter) offset of the site's
IANA zone, found from its coordinates by ``timezonefinder`` (its bundled boundaries of the timezone-boundary-builder
project, built from OpenStreetMap) and read through ``zoneinfo`` (the IANA tz database). Before this module, it
was the solar meridian ``round(longitude / 15)``; that is still what ``utc_offset_hours`` given by a caller, or a
point at sea with no zone, gives.

At the edges:

- *in*: timestamps of a user's series are local standard time by default; a scenario that says its clock is
  ``local`` has them on the wall clock of the zone (daylight saving included: one hour repeated in autumn, one
  skipped in spring), converted here to standard time; ISO timestamps with a UTC offset convert themselves.
- *out*: :func:`zoned_index` turns the model's index into tz-aware timestamps in the site's IANA zone (the same
  instants; clock times that follow daylight saving), which result frames, CSV/JSON (ISO 8601 with offset) and
  Parquet (tz-aware) carry.
"""

from __future__ import annotations

import functools
import json
import os
import re
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from gigawatt.core.errors import ScenarioError

DEGREES_PER_HOUR = 15.0  # the Earth turns 15° of longitude an hour: a solar meridian's offset from UTC
CLOCKS = ("standard", "local")  # how naive timestamps of a user's series are read (see module doc)
CACHE_DIR_ENV = "GIGAWATT_CACHE_DIR"  # where looked-up zones are kept; default $XDG_CACHE_HOME/gigawatt or ~/.cache/gigawatt
ZONE_CACHE_MAX_POINTS = 10_000  # the oldest points are dropped beyond this: the file stays small


@functools.lru_cache(maxsize=1)
def _finder():
    from timezonefinder import TimezoneFinder  # its boundary data load on first use (~a few MB)

    return TimezoneFinder()


def solar_meridian_zone(longitude: float) -> str:
    """The fixed-offset IANA zone ``Etc/GMT±N`` of the solar meridian nearest ``longitude`` (°E): what a
    point at sea gets. (``Etc/GMT+6`` is UTC−6: the tz database's POSIX-style sign.)"""
    hours = int(round(longitude / DEGREES_PER_HOUR))
    hours = max(-12, min(14, hours))
    return "Etc/UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"


@functools.lru_cache(maxsize=256)
def site_time_zone(latitude: float, longitude: float) -> str:
    """The IANA time zone of a point (°N, °E), e.g. ``America/Chicago`` for West Texas (31.9, -102.1).

    From ``timezonefinder``'s polygons of the world's zones; a point in no zone's polygon (at sea) gets its
    solar meridian's fixed-offset zone (:func:`solar_meridian_zone`). Zones once found are kept in a cache file
    (``$GIGAWATT_CACHE_DIR/time_zones.json``, default ``~/.cache/gigawatt``) so a new process need not rebuild
    timezonefinder's index."""
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        raise ScenarioError(f"site: ({latitude}, {longitude}) is not a point on Earth; give latitude -90..90 and longitude -180..180")
    key = f"{float(latitude)!r},{float(longitude)!r}"
    kept = _kept_zones()
    if key in kept:
        return kept[key]
    name = _finder().timezone_at(lng=float(longitude), lat=float(latitude)) or solar_meridian_zone(longitude)
    _keep_zone(kept, key, name)
    return name


# Building timezonefinder's index costs about a second of CPU in every new process (a plan, a sweep worker, a web
# job), more than the rest of a screened plan's set-up: zones once found are kept in a small JSON file, valid for
# the timezonefinder release that found them. The file is a cache: unreadable or stale, it is ignored and rewritten.

def _zone_cache_path() -> Path:
    base = os.environ.get(CACHE_DIR_ENV)
    if base:
        return Path(base) / "time_zones.json"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "gigawatt" / "time_zones.json"


def _finder_release() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"timezonefinder {version('timezonefinder')}"
    except PackageNotFoundError:
        return "timezonefinder"


def _kept_zones() -> dict[str, str]:
    """The zones kept by earlier lookups with this timezonefinder release, by ``"lat,lon"``; {} if none."""
    try:
        data = json.loads(_zone_cache_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    zones = data.get("zones") if isinstance(data, dict) and data.get("finder") == _finder_release() else None
    return {k: v for k, v in zones.items() if isinstance(v, str)} if isinstance(zones, dict) else {}


def _keep_zone(kept: dict[str, str], key: str, name: str) -> None:
    """Add one looked-up zone to the cache file, written whole to a temporary file and renamed (never half-written)."""
    path = _zone_cache_path()
    zones = {**kept, key: name}
    zones = dict(list(zones.items())[-ZONE_CACHE_MAX_POINTS:])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".time_zones.", suffix=".tmp")
    except OSError:  # a read-only home: the lookup still answers, it is just not kept
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"finder": _finder_release(), "zones": zones}, out)
        os.replace(temporary, path)
    except OSError:  # a full disk: nothing half-written is left behind
        Path(temporary).unlink(missing_ok=True)


def zone_info(name: str, field: str = "site.time_zone") -> ZoneInfo:
    """``ZoneInfo(name)``, or a one-line :class:`ScenarioError` naming ``field``."""
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ScenarioError(f"{field}: {name!r} is not an IANA time zone; give one such as America/Chicago or Europe/Berlin "
                            "(or leave it out: it is found from the coordinates)") from None


def standard_offset_hours(zone: str, year: int) -> float:
    """The zone's standard-time offset from UTC in ``year``, hours (``America/Chicago``: -6; ``Asia/Kolkata``: 5.5).

    The smallest offset of the year's first days of January and July: daylight saving only adds to it in
    either hemisphere (Europe/Dublin's "negative" winter saving is GMT+0, the smaller)."""
    info = zone_info(zone)
    offsets = [datetime(year, month, 1, 12, tzinfo=info).utcoffset() for month in (1, 7)]
    return min(o for o in offsets if o is not None).total_seconds() / 3600.0


def zoned_index(index: pd.DatetimeIndex, zone: str, utc_offset_hours: float) -> pd.DatetimeIndex:
    """The model's naive local-standard-time ``index`` (standard offset ``utc_offset_hours``) as tz-aware
    timestamps in ``zone``: the same instants, on the zone's clock (daylight saving shown). A tz-aware index
    is converted as it is."""
    if index.tz is None:
        index = index.tz_localize(timezone(timedelta(hours=float(utc_offset_hours))))
    return index.tz_convert(zone_info(zone)).rename(index.name)


def standard_index(index: pd.DatetimeIndex, utc_offset_hours: float) -> pd.DatetimeIndex:
    """A tz-aware ``index`` (as :func:`zoned_index` gives it) back as the model's naive local standard time;
    a naive index is returned as it is."""
    if index.tz is None:
        return index
    return index.tz_convert(timezone(timedelta(hours=float(utc_offset_hours)))).tz_localize(None).rename(index.name)


def clock_to_standard(times: pd.DatetimeIndex, zone: str, utc_offset_hours: float, where: str) -> pd.DatetimeIndex:
    """Naive wall-clock ``times`` in ``zone`` (daylight saving included) as naive local standard time.

    The autumn hour the clock shows twice is told apart by order (``ambiguous="infer"``: the first is daylight
    time); a time the clock skips in spring, or a repeated hour out of order, is refused naming ``where``."""
    info = zone_info(zone)
    try:
        aware = times.tz_localize(info, ambiguous="infer", nonexistent="raise")
    except (ValueError, TypeError) as exc:  # pandas' NonExistentTimeError and AmbiguousTimeError are ValueErrors
        text = str(exc)
        found = re.search(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}", text)
        when = found.group() if found else "a time"
        what = ("does not exist on the clock (skipped when daylight saving starts)" if "nonexistent" in f"{type(exc).__name__} {text}".lower()
                else "is shown twice by the clock and cannot be told apart by order")
        raise ScenarioError(f"{where}: {when} {what} in {zone}; give one row per clock hour in order, "
                            "or timestamps with their UTC offset") from None
    standard = aware.tz_convert(timezone(timedelta(hours=float(utc_offset_hours)))).tz_localize(None)
    return pd.DatetimeIndex(standard, name=times.name)


__all__ = ["CLOCKS", "clock_to_standard", "site_time_zone", "solar_meridian_zone", "standard_index", "standard_offset_hours",
           "zone_info", "zoned_index"]
