"""Matplotlib figures to PNG, fast and deterministic: the Agg canvas whose renderers share the
measures of texts, one draw cropped to what is drawn, the PNG written with zlib."""

from __future__ import annotations

import functools
import io
import struct
import zlib

DPI = 150  # the charts' resolution

MEASURES_KEPT = 4096
# The rcParams font lists a family of a FontProperties may name (generic families).
FONT_LISTS = ("sans-serif", "serif", "monospace", "cursive", "fantasy", "family")


@functools.cache
def canvas_type():
    """The Agg canvas whose renderers share the measures of texts within the process.

    Matplotlib shapes each text with FreeType (a fraction of a millisecond a label) to measure
    it, once per renderer; the same labels come back in every chart and every commune. A measure
    depends only on the text, the font (its properties as FontProperties gives them, and the font
    lists of rcParams its families name), the size, the resolution and the hinting settings, all
    in its key: a second commune gets those of its own texts, never another's labels (tested,
    with the rest, against matplotlib's own canvas). Texts are drawn as matplotlib draws them."""
    from matplotlib import rcParams  # noqa: PLC0415
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag  # noqa: PLC0415

    measures: dict[tuple, tuple[float, float, float]] = {}

    def shaped(s: str, prop, dpi: float) -> tuple:
        return (s, tuple(prop.get_family()), prop.get_style(), prop.get_variant(), prop.get_weight(),
                prop.get_stretch(), prop.get_file(), prop.get_size_in_points(), dpi,
                tuple(tuple(rcParams[f"font.{family}"]) for family in FONT_LISTS),
                get_hinting_flag(), rcParams["text.hinting_factor"], rcParams["text.kerning_factor"],
                rcParams["font.enable_last_resort"])

    class Renderer(RendererAgg):
        def get_text_width_height_descent(self, s, prop, ismath):
            if ismath:
                return super().get_text_width_height_descent(s, prop, ismath)
            key = shaped(s, prop, self.dpi)
            found = measures.get(key)
            if found is None:
                if len(measures) >= MEASURES_KEPT:
                    measures.clear()
                found = measures[key] = super().get_text_width_height_descent(s, prop, ismath)
            return found

    class Canvas(FigureCanvasAgg):
        def get_renderer(self):  # FigureCanvasAgg's, with the renderer above
            width, height = self.get_width_height(physical=True)
            key = width, height, self.figure.dpi
            if self._lastKey != key:
                self.renderer = Renderer(width, height, self.figure.dpi)
                self._lastKey = key
            return self.renderer

    return Canvas


# Room drawn around the figure for what lies outside it (the legend below the monthly chart, long
# bar labels left of the axes); doubled until what is drawn keeps savefig.pad_inches from the edge.
MARGIN_INCHES = 1.0
PNG_LEVEL = 3  # zlib: a chart's PNG as small as matplotlib's own (level 6, filtered), in a third of the time


def png(figure) -> bytes:
    """The figure as PNG at DPI, cropped to what is drawn and padded by savefig.pad_inches, drawn
    once: ``savefig(bbox_inches="tight")`` draws twice (the box of every artist, then the image)."""
    return encode(cropped(figure)[0])


def encode(pixels) -> bytes:
    """RGBA pixels as PNG: RGB when every pixel is opaque, rows unfiltered, zlib at PNG_LEVEL, the
    resolution DPI. A chart's flat fills compress as well unfiltered as with PIL's adaptive row
    filters (which cost most of PIL's encoding): the size of PIL's level 6, three times faster."""
    import numpy  # noqa: PLC0415
    from PIL import Image  # noqa: PLC0415

    opaque = bool((pixels[..., 3] == 255).all())
    if opaque:  # PIL drops the alpha channel faster than numpy's strided copy
        pixels = numpy.asarray(Image.fromarray(pixels).convert("RGB"))
    height, width, _ = pixels.shape
    rows = numpy.zeros((height, 1 + pixels.shape[1] * pixels.shape[2]), dtype=numpy.uint8)  # filter 0: none
    rows[:, 1:] = pixels.reshape(height, -1)
    per_metre = round(DPI / 0.0254)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2 if opaque else 6, 0, 0, 0))
            + chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1))
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), PNG_LEVEL)) + chunk(b"IEND", b""))


def cropped(figure):
    """The figure's RGBA pixels at DPI cropped to its ink box padded by savefig.pad_inches, and
    that box in the figure's inches (tested: matplotlib's own savefig in a larger box, cropped to
    it, draws the same pixels but for a line's end on a half pixel).

    The figure is drawn once on a canvas MARGIN_INCHES wider on each side, a whole number of
    pixels, so that the drawing is the figure's own moved whatever is drawn, and cropped to the
    pixels unlike the background: the ink box, a few pixels within the artists' layout boxes
    that ``tight`` measures."""
    from matplotlib import rcParams  # noqa: PLC0415
    from matplotlib.transforms import Bbox  # noqa: PLC0415

    pad = round(rcParams["savefig.pad_inches"] * DPI)
    margin = MARGIN_INCHES
    while True:
        pixels = drawn(figure, margin)
        rows, columns = ink(pixels)
        height, width = pixels.shape[:2]
        if not len(rows):  # nothing drawn: the figure as it is
            top, bottom, left, right = (round(margin * DPI), height - round(margin * DPI),
                                        round(margin * DPI), width - round(margin * DPI))
            break
        top, bottom, left, right = rows[0] - pad, rows[-1] + 1 + pad, columns[0] - pad, columns[-1] + 1 + pad
        if top >= 0 and left >= 0 and bottom <= height and right <= width:
            break
        margin *= 2
    shift = round(margin * DPI)
    box = Bbox([[(left - shift) / DPI, (height - bottom - shift) / DPI],
                [(right - shift) / DPI, (height - top - shift) / DPI]])
    return pixels[top:bottom, left:right], box


def drawn(figure, margin: float):
    """The RGBA pixels of the figure drawn at DPI with ``margin`` inches of background around it."""
    import numpy  # noqa: PLC0415
    from matplotlib.transforms import Bbox  # noqa: PLC0415

    width, height = figure.get_size_inches()
    box = Bbox([[-margin, -margin], [width + margin, height + margin]])
    raw = io.BytesIO()
    figure.savefig(raw, format="rgba", dpi=DPI, bbox_inches=box)
    columns, rows = (int(size * DPI) for size in box.size)  # as the Agg canvas sizes itself
    return numpy.frombuffer(raw.getbuffer(), dtype=numpy.uint8).reshape(rows, columns, 4)


def ink(pixels):
    """The rows and the columns holding a pixel unlike the background (the corner's colour)."""
    import numpy  # noqa: PLC0415

    words = pixels.view(numpy.uint32)[..., 0]
    marked = words != words[0, 0]
    return numpy.flatnonzero(marked.any(axis=1)), numpy.flatnonzero(marked.any(axis=0))
