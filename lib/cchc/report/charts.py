"""Charts drawn from figures only (matplotlib), as PNG with Vietnamese labels, deterministic."""

from __future__ import annotations

import base64
import calendar
import datetime as dt
import functools
import logging
import threading
from collections.abc import Callable

from markupsafe import Markup

from cchc.config.params import Window
from cchc.core import fmt
from cchc.core.errors import CchcError
from cchc.core.resources import load_yaml
from cchc.figures.registry import FigureSet
from cchc.report.raster import DPI
from cchc.report.raster import canvas_type as _canvas_type
from cchc.report.raster import png as _png

FONT_FAMILIES = ["Times New Roman", "Liberation Serif", "Tinos"]
# Fills far apart in grey (luminance about 70, 170 and 212, the page 255) and hatches, so each
# series reads in greyscale print; a series too small to see as a band (postal) carries its values.
SERIES = {"online": {"fill": "#1f4e79", "hatch": None, "label_values": False},
          "direct": {"fill": "#e0a050", "hatch": "//", "label_values": False},
          "postal": {"fill": "#d4d4d4", "hatch": "xxx", "label_values": True}}
BARS = {"resolved.early": {"fill": "#1f4e79", "hatch": None},
        "resolved.on_time": {"fill": "#6fa0d0", "hatch": None},
        "resolved.late": {"fill": "#404040", "hatch": "xx"},
        "pending.not_due": {"fill": "#e0a050", "hatch": "//"},
        "pending.overdue": {"fill": "#ffffff", "hatch": "\\\\"}}


def _pyplot():
    """pyplot with the charts' settings (the kernel's warm-up loads it before a report)."""
    _style()
    _canvas_type()
    from matplotlib import pyplot  # noqa: PLC0415 (heavy: loaded when a chart is drawn)

    return pyplot


def _figure(size: tuple[float, float]):
    """A figure of ``size`` inches at DPI on the Agg canvas, with its one axes. Outside pyplot: a
    chart needs no figure manager, and the figure is dropped with its last reference."""
    _style()
    from matplotlib.figure import Figure  # noqa: PLC0415

    figure = Figure(figsize=size, dpi=DPI)
    _canvas_type()(figure)
    return figure, figure.subplots()


_KEPT = threading.local()  # per thread: each chart's figure, drawn again for the next report


def _axes(chart: str, size: tuple[float, float]):
    """The axes of ``chart``, emptied of the last report's bars, values and legend.

    A figure, its axes and their ticks cost more to make than the bars (a tick is five artists);
    each chart keeps its figure per thread and the next report draws on it again, while the
    settings it was made with hold (size, resolution, every rcParam: a style changed in between
    makes a new figure). A chart function sets everything it shows on every call (ticks, labels,
    limits, locators), so what stays from the last report is only what every report has in
    common (tested: a chart drawn after another commune's is the chart of a fresh process)."""
    from matplotlib import rcParams  # noqa: PLC0415

    _style()
    settings = size, DPI, str(list(dict.items(rcParams)))
    kept = _KEPT.__dict__.setdefault("axes", {})
    made, axes = kept.get(chart, (None, None))
    if made != settings:
        axes = _figure(size)[1]
        kept[chart] = settings, axes
        return axes
    if axes.get_legend() is not None:
        axes.get_legend().remove()
    for container in list(axes.containers):
        container.remove()
    for artist in [*axes.patches, *axes.texts, *axes.lines, *axes.collections, *axes.images]:
        artist.remove()
    axes.relim()
    axes.set_autoscale_on(True)
    return axes


def _style() -> None:
    """The charts' font and look, set before each chart (cheap: the font is found once)."""
    from matplotlib import rcParams  # noqa: PLC0415

    rcParams.update({"font.family": [_installed_family()], "font.size": 10,
                     "axes.spines.top": False, "axes.spines.right": False})


@functools.cache
def _installed_family() -> str:
    """The first installed family of FONT_FAMILIES, looked up once per process."""
    import matplotlib  # noqa: PLC0415 (heavy: loaded when a chart is drawn)

    matplotlib.use("Agg")
    from matplotlib import font_manager  # noqa: PLC0415

    return _font_family(font_manager)


def _font_family(font_manager) -> str:
    """The first installed family of FONT_FAMILIES (all cover Vietnamese)."""
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    for family in FONT_FAMILIES:
        try:
            font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
            return family
        except ValueError:
            continue
    raise CchcError("missing_font", families=", ".join(FONT_FAMILIES))


def _labels() -> dict:
    return load_yaml("report/labels.yaml")["charts"]


def _locator():
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415

    return MaxNLocator


def _month_ticks(months: list[str], window: Window | None, labels: dict) -> tuple[list[str], list[str]]:
    """Each month's tick label, and the notes of the months the window covers only in part
    (the December of a report cut off on 09/12 is "01–09/12/2025", not a collapse)."""
    names, notes = [], []
    for month in months:
        year, number = int(month[:4]), int(month[5:7])
        first = dt.date(year, number, 1)
        last = dt.date(year, number, calendar.monthrange(year, number)[1])
        start = max(first, window.start) if window else first
        end = min(last, window.cutoff) if window else last
        if (start, end) == (first, last):
            names.append(f"{number:02d}/{year}")
            continue
        values = {"first": f"{start.day:02d}", "last": f"{end.day:02d}", "month": f"{number:02d}",
                  "year": year, "start": fmt.date(start), "end": fmt.date(end)}
        names.append(labels["partial_tick"].format(**values))
        notes.append(labels["partial_note"].format(**values))
    return names, notes


def _months(figures: FigureSet) -> list[str]:
    return sorted({f.extra["group"] for f in figures if f.extra.get("breakdown") == "by_month"})


def partial_months(figures: FigureSet, window: Window | None) -> list[str]:
    """The notes under the monthly chart: each month the window covers only in part."""
    return _month_ticks(_months(figures), window, _labels()["received_by_month"])[1]


def received_by_month(figures: FigureSet, window: Window | None = None) -> bytes:
    """Dossiers received per month, stacked by channel; tiny series carry their own values."""
    labels = _labels()["received_by_month"]
    months = _months(figures)
    names, _ = _month_ticks(months, window, labels)
    ax = _axes("received_by_month", (6.3, 3.2))
    x = list(range(len(months)))
    bottom = [0] * len(months)
    for channel, label in labels["series"].items():
        values = [figures[f"tthc.by_month.{m}.received.{channel}"].value for m in months]
        look = SERIES[channel]
        _bars(ax, x, values, bottom, label, look)
        peak = max(bottom[i] + v for i, v in enumerate(values)) if values else 0
        if look["label_values"] and peak:
            for i, value in enumerate(values):  # too small to see as a band: its value beside the bar
                ax.annotate(fmt.integer(value), (i + 0.3, bottom[i] + value / 2), va="center", ha="left",
                            xytext=(2, 0), textcoords="offset points", fontsize=8, style="italic")
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.autoscale_view(scaley=False)  # the months' span (ax.bar asks for it; add_patch does not)
    for i, total in enumerate(bottom):
        ax.annotate(fmt.integer(total), (i, total), ha="center", va="bottom", fontsize=9,
                    xytext=(0, 2), textcoords="offset points", weight="bold")
    ax.set_xticks(x, names)
    ax.xaxis.set_label_coords(0.5, 0)  # no label under the months: none to place below their names
    ax.set_ylabel(labels["y_label"])
    ax.set_ylim(0, max(bottom, default=0) * 1.12 or 1)
    ax.legend(frameon=False, ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.12))
    ax.yaxis.set_major_locator(_locator()(integer=True))
    ax.yaxis.set_major_formatter(fmt.axis_integer)
    return _png(ax.figure)


def _bars(ax, x: list[int], values: list, bottom: list, label: str, look: dict, width: float = 0.6) -> None:
    """A series' bars as one patch, a path of rectangles: the look of ``ax.bar`` (one rectangle
    each), its fill, hatch and edges drawn once for the series instead of once a bar."""
    import numpy  # noqa: PLC0415
    from matplotlib.patches import PathPatch  # noqa: PLC0415
    from matplotlib.path import Path  # noqa: PLC0415

    corners, codes = [], []
    for middle, value, base in zip(x, values, bottom, strict=True):
        left, right, top = middle - width / 2, middle + width / 2, base + value
        corners += [(left, base), (right, base), (right, top), (left, top), (left, base)]
        codes += [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY]
    path = Path(numpy.array(corners, dtype=float).reshape(-1, 2), codes or None)
    ax.add_patch(PathPatch(path, label=label, facecolor=look["fill"], hatch=look["hatch"], edgecolor="black",
                           linewidth=0.6))


def timeliness(figures: FigureSet, window: Window | None = None) -> bytes:
    labels = _labels()["timeliness"]
    ax = _axes("timeliness", (6.3, 2.6))
    keys = list(labels["bars"])
    values = [figures[f"tthc.{key}"].value for key in keys]
    looks = [BARS[key] for key in keys]
    y = list(range(len(keys)))
    ax.barh(y, values[::-1], height=0.6,
            color=[look["fill"] for look in looks[::-1]], hatch=None, edgecolor="black", linewidth=0.6)
    ax.set_yticks(y, [labels["bars"][k] for k in keys][::-1])
    ax.yaxis.set_label_coords(0, 0.5)  # no label beside the bars' names: none to place
    for bar, look in zip(ax.patches, looks[::-1]):
        bar.set_hatch(look["hatch"])
    for y, value in enumerate(values[::-1]):
        ax.annotate(fmt.integer(value), (value, y), va="center", xytext=(3, 0),
                    textcoords="offset points", fontsize=9)
    ax.set_xlabel(labels["x_label"])
    ax.set_xlim(0, max(values, default=0) * 1.1 or 1)
    ax.xaxis.set_major_locator(_locator()(integer=True))
    ax.xaxis.set_major_formatter(fmt.axis_integer)
    return _png(ax.figure)


CHARTS: dict[str, Callable[..., bytes]] = {"received_by_month": received_by_month, "timeliness": timeliness}
# Notes a chart carries under its title (name -> function of figures and window).
NOTES: dict[str, Callable[[FigureSet, Window | None], list[str]]] = {"received_by_month": partial_months}


def chart_figure(name: str, figures: FigureSet, window: Window | None, number: int) -> Markup:
    """The chart as the report shows it: the image, then "Biểu đồ N. Title", the partial-period
    notes and the source line (the system export and the window)."""
    labels = _labels()
    png = CHARTS[name](figures, window)
    caption = labels["caption_format"].format(number=number, title=labels[name]["title"])
    source = labels["source"][name].format(
        start=fmt.date(window.start) if window else "", end=fmt.date(window.cutoff) if window else "")
    notes = NOTES[name](figures, window) if name in NOTES else []
    notes = Markup("").join(Markup("<br><span class='chart-note'>{}</span>").format(n) for n in notes)
    return Markup("<figure class='chart' id='chart-{number}'><img alt='{caption}' src='{src}'>"
                  "<figcaption><strong>{caption}</strong>{notes}<br><span class='chart-source'>{source}</span>"
                  "</figcaption></figure>").format(number=number, caption=caption, src=data_uri(png),
                                                   notes=notes, source=source)


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
