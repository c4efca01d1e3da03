"""The PDF writer keeps Typst's memoized work from one PDF to the next in a process (a batch
worker writes report after report): a PDF compiled after another commune's has the bytes of
the same PDF compiled from an empty cache, its own chart and figures included; and the body
compiled as parts (one file a block) gives the bytes of the document in one source."""

from __future__ import annotations

import base64
import struct
import threading
import zlib

import typst

from cchc.render import pdf


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A one-colour PNG image (a chart's stand-in: the same file name, other pixels)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    row = b"\x00" + bytes(rgb) * width
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


def _page(unit: str, received: str, rate: str, colour: tuple[int, int, int], fields: int = 29) -> str:
    chart = "data:image/png;base64," + base64.b64encode(_png(40, 20, colour)).decode("ascii")
    rows = "".join(f'<tr><td class="index">{n}</td><td class="text">Lĩnh vực {n}</td>'
                   f'<td class="count">{received}</td><td class="rate">{rate}</td></tr>' for n in range(1, fields + 1))
    return f"""<html><body><main>
<h2>I. KẾT QUẢ THỰC HIỆN — {unit}</h2>
<p>Tiếp nhận {received} hồ sơ, đúng hạn {rate}; hồ sơ trực tuyến được giải quyết đúng hạn.</p>
<table class="form-table"><colgroup><col style="width:10%"><col style="width:50%"><col style="width:20%">
<col style="width:20%"></colgroup>
<thead><tr><th>STT</th><th>Lĩnh vực</th><th>Tiếp nhận</th><th>Đúng hạn</th></tr></thead>
<tbody>{rows}<tr class="total"><td class="index"></td><td class="text">Tổng cộng</td>
<td class="count">{received}</td><td class="rate">{rate}</td></tr></tbody></table>
<figure class="chart"><img alt="Biểu đồ" src="{chart}"><figcaption>Biểu đồ: {unit}</figcaption></figure>
</main></body></html>"""


def test_a_pdf_after_another_communes_has_the_bytes_of_a_cold_compile():
    first = _page("Xã An Hưng", "7.026", "97,76%", (200, 30, 30))
    second = _page("Xã Kiến Thụy", "6.112", "95,10%", (30, 30, 200), fields=31)  # another shape
    pdf.forget()
    cold = pdf.pdf(second, "Kiến Thụy")
    pdf.forget()
    other = pdf.pdf(first, "An Hưng")
    warm = pdf.pdf(second, "Kiến Thụy")
    assert other != cold
    assert warm == cold
    # the same again a compile later: the first commune's work is still in the cache
    assert pdf.pdf(first, "An Hưng") == other


def test_the_parts_compile_to_the_document_in_one_source(tmp_path):
    page = _page("Phường Ngô Quyền", "5.004", "99,02%", (30, 160, 30))
    source, images = pdf.markup(page, "Ngô Quyền", banner="Đã công bố dù 1 kiểm tra lỗi")
    for name, data in images.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "one.typ").write_text(source, encoding="utf-8")
    whole = typst.compile(str(tmp_path / "one.typ"), root=str(tmp_path), font_paths=pdf.font_paths(),
                          ignore_system_fonts=True)
    assert pdf.pdf(page, "Ngô Quyền", banner="Đã công bố dù 1 kiểm tra lỗi") == whole


def test_threads_write_pdfs_at_once():
    """A Dask worker's threads each write a report: each PDF as written alone (one compiler of
    the empty document a thread: a compiler compiles one document at a time)."""
    pages = [_page(f"Xã {n}", f"{n}.0{n}5", f"9{n},10%", (40 * n, 90, 30), fields=20 + n) for n in range(4)]
    alone = [pdf.pdf(page, str(n)) for n, page in enumerate(pages)]
    results: dict[int, list[bytes]] = {}
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            results[n] = [pdf.pdf(pages[n], str(n)) for _ in range(3)]
        except BaseException as error:  # noqa: BLE001 (reported by the test below)
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert all(results[n] == [alone[n]] * 3 for n in range(4))
