"""Text helpers: Vietnamese number formatting, new-style tone placement, NFD."""

from __future__ import annotations

import re
import unicodedata

# Combining tone marks: grave, acute, hook above, tilde, dot below.
_TONES = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")


def _toned(base: str) -> str:
    return "".join(unicodedata.normalize("NFC", base + tone) for tone in _TONES)


# Old-style placement puts the tone on the first vowel of a final "oa", "oe", "uy"
# ("hòa", "khỏe", "thủy"); new-style puts it on the second ("hoà", "khoẻ", "thuỷ").
_OLD_STYLE = re.compile(
    "([" + _toned("o") + _toned("O") + "])([aeAE])(?!\\w)"
    "|([" + _toned("u") + _toned("U") + "])([yY])(?!\\w)"
)


def _move_tone(match: re.Match[str]) -> str:
    first, second = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    decomposed = unicodedata.normalize("NFD", first)
    base, tone = decomposed[0], decomposed[1:]
    return base + unicodedata.normalize("NFC", second + tone)


def new_style_tones(text: str) -> str:
    """Rewrite old-style tone placement to the new style ("Hòa" -> "Hoà", "thủy" -> "thuỷ")."""
    return _OLD_STYLE.sub(_move_tone, unicodedata.normalize("NFC", text))


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def thousands(n: int) -> str:
    """Vietnamese thousands separator: 7026 -> "7.026"."""
    return f"{n:,}".replace(",", ".")


def ascii_fold(text: str) -> str:
    """Strip diacritics for e-mail addresses ("Đỗ Hòa" -> "Do Hoa")."""
    folded = unicodedata.normalize("NFD", text).replace("\u0111", "d").replace("\u0110", "D")
    return "".join(ch for ch in folded if not unicodedata.combining(ch))
