"""Charts drawn from figures only (matplotlib), as PNG with Vietnamese labels, deterministic."""

from __future__ import annotations

import base64
import io
import logging

from cchc.core import fmt
from cchc.core.errors import CchcError
from cchc.core.resources import load_yaml
from cchc.figures.registry import FigureSet

FONT_FAMILIES = ["Times New Roman", "Liberation Serif", "Tinos"]
DPI = 150
COLORS = {"online": "#1f5f99", "direct": "#d08c2c", "postal": "#6a9a3a"}


def _pyplot():
    import matplotlib  # noqa: PLC0415 (heavy: loaded when a chart is drawn)

    matplotlib.use("Agg")
    from matplotlib import font_manager, pyplot  # noqa: PLC0415

    pyplot.rcParams.update({"font.family": [_font_family(font_manager)], "font.size": 10,
                            "axes.spines.top": False, "axes.spines.right": False})
    return pyplot


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


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    figure.clf()
    return buffer.getvalue()


def _locator():
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415

    return MaxNLocator


def received_by_month(figures: FigureSet) -> bytes:
    labels = load_yaml("report/labels.yaml")["charts"]["received_by_month"]
    months = sorted({f.extra["group"] for f in figures if f.extra.get("breakdown") == "by_month"})
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.3, 3.0))
    bottom = [0] * len(months)
    names = [f"{m[5:]}/{m[:4]}" for m in months]
    for channel, label in labels["series"].items():
        values = [figures[f"tthc.by_month.{m}.received.{channel}"].value for m in months]
        ax.bar(names, values, bottom=bottom, label=label, color=COLORS[channel], width=0.6)
        bottom = [b + v for b, v in zip(bottom, values)]
    for x, total in enumerate(bottom):
        ax.annotate(fmt.integer(total), (x, total), ha="center", va="bottom", fontsize=9,
                    xytext=(0, 2), textcoords="offset points")
    ax.set_ylabel(labels["y_label"])
    ax.legend(frameon=False, ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.12))
    ax.yaxis.set_major_locator(_locator()(integer=True))
    ax.yaxis.set_major_formatter(fmt.axis_integer)
    data = _png(fig)
    plt.close(fig)
    return data


def timeliness(figures: FigureSet) -> bytes:
    labels = load_yaml("report/labels.yaml")["charts"]["timeliness"]
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.3, 2.6))
    keys = list(labels["bars"])
    values = [figures[f"tthc.{key}"].value for key in keys]
    colors = ["#1f5f99", "#4f8fc9", "#c0392b", "#6a9a3a", "#e67e22"]
    ax.barh([labels["bars"][k] for k in keys][::-1], values[::-1], color=colors[::-1], height=0.6)
    for y, value in enumerate(values[::-1]):
        ax.annotate(fmt.integer(value), (value, y), va="center", xytext=(3, 0),
                    textcoords="offset points", fontsize=9)
    ax.set_xlabel(labels["x_label"])
    ax.xaxis.set_major_locator(_locator()(integer=True))
    ax.xaxis.set_major_formatter(fmt.axis_integer)
    data = _png(fig)
    plt.close(fig)
    return data


CHARTS = {"received_by_month": received_by_month, "timeliness": timeliness}


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
