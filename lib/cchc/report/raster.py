"""Matplotlib figures to PNG, fast and deterministic: the Agg canvas whose renderers share the
measures and glyph layouts of texts, one draw cropped to what is drawn, the PNG written with zlib."""

from __future__ import annotations

import functools
import io
import struct
import zlib

DPI = 150  # the charts' resolution

MEASURES_KEPT = 4096


@functools.cache
def canvas_type():
    """The Agg canvas whose renderers share the measures, the glyph layouts and the glyph
    bitmaps of texts within the process.

    Matplotlib shapes each text with FreeType (a fraction of a millisecond a label) to measure
    it, once per renderer, and again to draw it, then renders each glyph; the same labels come
    back in every chart and every commune. A measure and a layout (glyphs and their offsets,
    not where the text goes) depend only on the text, the font files, the size, the resolution
    and the hinting settings, all in their key: a second commune gets those of its own texts,
    never another's labels. An upright glyph's bitmap depends on the font, size, resolution,
    hinting and where it falls within a pixel (1/64ths): the same bitmap drawn whole pixels away
    (tested, with the rest, against matplotlib's own canvas). Texts with font features or a
    language, and turned texts, are drawn as matplotlib does."""
    import numpy  # noqa: PLC0415
    from matplotlib import rcParams  # noqa: PLC0415
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag  # noqa: PLC0415
    from matplotlib.font_manager import fontManager  # noqa: PLC0415
    from matplotlib.ft2font import RenderMode  # noqa: PLC0415

    measures: dict[tuple, tuple[float, float, float]] = {}
    layouts: dict[tuple, list] = {}
    glyphs: dict[tuple, tuple] = {}
    # the transform matplotlib gives an upright glyph (angle 0, no slant, no extension)
    UPRIGHT = (0x10000 * numpy.array([[1.0, -0.0], [0.0, 1.0]]) @ [[1, 0], [0, 1]]).round().astype(int)  # noqa: N806

    def shaped(s: str, prop, dpi: float) -> tuple:
        return (s, tuple(fontManager._find_fonts_by_props(prop)), prop.get_size_in_points(), dpi,
                get_hinting_flag(), rcParams["text.hinting_factor"], rcParams["text.kerning_factor"],
                rcParams["font.enable_last_resort"])

    def kept(store: dict, key: tuple, make):
        found = store.get(key)
        if found is None:
            if len(store) >= MEASURES_KEPT:
                store.clear()
            found = store[key] = make()
        return found

    class Renderer(RendererAgg):
        def get_text_width_height_descent(self, s, prop, ismath):
            if ismath:
                return super().get_text_width_height_descent(s, prop, ismath)
            return kept(measures, shaped(s, prop, self.dpi),
                        lambda: super(Renderer, self).get_text_width_height_descent(s, prop, ismath))

        def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
            # RendererAgg.draw_text with the layout of the glyphs kept
            if ismath or (mtext is not None and (mtext.get_fontfeatures() or mtext.get_language())):
                return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            items = kept(layouts, shaped(s, prop, self.dpi),
                         lambda: self._prepare_font(prop)._layout(s, flags=get_hinting_flag()))
            size = prop.get_size_in_points()
            if angle or not gc.get_antialiased():
                self._draw_text_glyphs_and_boxes(
                    gc, x, y, angle, ((item.ft_object, size, item.glyph_index, 0, 1, item.x, item.y)
                                      for item in items), [])
                return None
            flags = get_hinting_flag()
            for item in items:  # RendererAgg._draw_text_glyphs_and_boxes, upright, with the bitmaps kept
                across = round(0x40 * (x + item.x))
                up = round(0x40 * (self.height - y + item.y))  # FreeType's y is upwards
                font = item.ft_object
                key = (id(font), size, self.dpi, item.glyph_index, flags, across & 0x3F, up & 0x3F)
                found = glyphs.get(key)
                if found is None or found[0] is not font:
                    if len(glyphs) >= MEASURES_KEPT:
                        glyphs.clear()
                    font.set_size(size, self.dpi)
                    font._set_transform(UPRIGHT, [across & 0x3F, up & 0x3F])
                    bitmap = font._render_glyph(item.glyph_index, flags, RenderMode.NORMAL)
                    found = glyphs[key] = font, numpy.array(bitmap.buffer), bitmap.left, bitmap.top
                _, buffer, left, top = found
                self._renderer.draw_text_image(buffer, left + (across >> 6),
                                               int(self.height) - (top + (up >> 6)) + buffer.shape[0], 0, gc)
            return None

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
