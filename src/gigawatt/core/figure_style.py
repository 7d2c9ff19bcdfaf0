"""What makes a matplotlib figure fit to hand over, shared by every job's ``plot``: the resolution PNGs are written at,
readable dates on time axes, a colour for each of many series that no other series shares, and a key to the
marker sizes of a bubble chart in MW or GW. Technology names and colours come from the catalog
(:func:`gigawatt.catalog.style`); this module knows nothing of technologies."""

from __future__ import annotations

from collections.abc import Callable, Sequence

FIGURE_DPI = 200  # dots per inch of a PNG: print quality at the figure sizes the jobs use (11-24 in wide)

# A qualitative palette of 22 colours, no two alike, for series that have no catalog colour (a headroom study's
# systems), in the order that keeps the first few most apart: Kelly's colours of maximum contrast less white
# (K. L. Kelly, "Twenty-two colors of maximum contrast", Color Engineering 3(6), 1965; sRGB approximations of
# their ISCC-NBS centroids) and Paul Tol's muted teal (SRON/EPS/TN/09-002, 2021) in white's place.
QUALITATIVE = (
    "#222222", "#F3C300", "#875692", "#F38400", "#A1CAF1", "#BE0032", "#C2B280", "#848482", "#008856", "#E68FAC", "#0067A5",
    "#F99379", "#604E97", "#F6A600", "#B3446C", "#DCD300", "#882D17", "#8DB600", "#654522", "#E25822", "#2B3D26", "#44AA99",
)
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "*")  # with colour, a second cue for lines that lie close


def distinct_colours(n: int) -> list[str]:
    """``n`` colours ``#RRGGBB``, all different (:data:`QUALITATIVE`); past its 22, evenly spaced hues of HSV."""
    if n <= len(QUALITATIVE):
        return list(QUALITATIVE[:n])
    import matplotlib.colors as mcolors

    extra = n - len(QUALITATIVE)
    return [*QUALITATIVE, *(mcolors.to_hex(mcolors.hsv_to_rgb((i / extra, 0.75, 0.55 + 0.3 * (i % 2)))) for i in range(extra))]


def date_axis(ax, axis: str = "x", tz=None) -> None:
    """Label a time axis with dates as a reader wants them: matplotlib's concise formatter on an automatic locator,
    days as ``25 Aug``, months as ``Mar``, hours as ``06:00``, years as ``2027``, in the series' own zone ``tz``
    (None: as the times are). The axis label says the year and the zone."""
    import matplotlib.dates as mdates

    target = ax.xaxis if axis == "x" else ax.yaxis
    locator = mdates.AutoDateLocator(minticks=4, maxticks=9, tz=tz)
    formats = ["%Y", "%b", "%d %b", "%H:%M", "%H:%M", "%S.%f"]
    zero_formats = ["", "%Y", "%b", "%d %b", "%H:%M", "%H:%M"]
    target.set_major_locator(locator)
    target.set_major_formatter(mdates.ConciseDateFormatter(locator, tz=tz, formats=formats, zero_formats=zero_formats, show_offset=False))


def power_text(mw: float) -> str:
    """A power as a key labels it: ``250 MW``, ``1.5 GW``."""
    return f"{mw / 1e3:,.3g} GW" if mw >= 1e3 else f"{mw:,.3g} MW"


def key_values_mw(largest_mw: float) -> list[float]:
    """Three round powers (MW) for a size key up to ``largest_mw``: the largest 1-2-5 step at or below it, and
    its half and tenth rounded to a 1-2-5 step (e.g. 2,000, 1,000 and 200 MW for a largest of 2,600 MW)."""
    import math

    def round_down(value: float) -> float:
        decade = 10 ** math.floor(math.log10(value))
        return max(step * decade for step in (1, 2, 5) if step * decade <= value)

    top = round_down(largest_mw)
    return sorted({round_down(top / 10), round_down(top / 2), top})


def size_key(ax, largest_mw: float, area: Callable[[float], float], title: str = "MW placed", loc: str = "lower right",
             values_mw: Sequence[float] | None = None) -> None:
    """A legend of marker sizes (the map's key): hollow circles of ``area(mw)`` points² for round powers up to
    ``largest_mw`` (:func:`key_values_mw`), labelled in MW or GW; added beside any legend the axes already has."""
    if largest_mw <= 0:
        return
    old = ax.get_legend()
    handles = [ax.scatter([], [], s=area(mw), facecolors="none", edgecolors="black") for mw in (values_mw or key_values_mw(largest_mw))]
    labels = [power_text(mw) for mw in (values_mw or key_values_mw(largest_mw))]
    ax.legend(handles, labels, title=title, loc=loc, labelspacing=2.2, borderpad=1.2, handletextpad=1.5, fontsize=8,
              scatterpoints=1, frameon=True)
    if old is not None:
        ax.add_artist(old)
