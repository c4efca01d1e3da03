"""Vietnamese text normalisation: Unicode NFC, traditional tone placement, keys, slugs and look-alike keys."""

from __future__ import annotations

import functools
import re
import unicodedata

# Combining tone marks (in NFD): grave, acute, tilde, hook above, dot below.
_TONES = "\u0300\u0301\u0303\u0309\u0323"
# Syllables ending in these vowel pairs (no final consonant) carry the tone on the first
# vowel in the traditional placement of state documents: hoà -> hòa, thuỷ -> thủy.
_PAIRS = ("oa", "oe", "uy")
_WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+")
_SPACES = re.compile(r"\s+")


def _retone_word(match: re.Match[str]) -> str:
    word = match.group(0)  # NFD
    tones = [(i, ch) for i, ch in enumerate(word) if ch in _TONES]
    if len(tones) != 1:
        return word
    pos, tone = tones[0]
    bare = word[:pos] + word[pos + 1 :]
    letters = [(i, ch) for i, ch in enumerate(bare) if not unicodedata.combining(ch)]
    if len(letters) < 2:
        return word
    (i1, c1), (i2, c2) = letters[-2], letters[-1]
    if (c1 + c2).lower() not in _PAIRS:
        return word
    # "qu" + y is a consonant + vowel ("quý"), not the pair "uy".
    if c1.lower() == "u" and len(letters) >= 3 and letters[-3][1].lower() == "q":
        return word
    # The tone must sit on the second vowel (with nothing else marked on the pair).
    if bare[i2 + 1 :] or bare[i1 + 1 : i2] or pos != i2 + 1:
        return word
    return bare[: i1 + 1] + tone + bare[i1 + 1 :]


@functools.lru_cache(maxsize=65536)
def normalize(value: str) -> str:
    """NFC, traditional tone placement, trimmed, inner whitespace collapsed."""
    nfd = unicodedata.normalize("NFD", value)
    if any(ch in _TONES for ch in nfd):
        nfd = _WORD.sub(_retone_word, nfd)
    return _SPACES.sub(" ", unicodedata.normalize("NFC", nfd)).strip()


@functools.lru_cache(maxsize=65536)
def match_key(value: str) -> str:
    """Key for case-insensitive matching of headers and category labels."""
    return normalize(value).casefold()


def slug(value: str) -> str:
    """ASCII, lower-case, hyphenated: 'Hộ tịch' -> 'ho-tich', 'Đất đai' -> 'dat-dai'."""
    text = normalize(value).replace("Đ", "D").replace("đ", "d")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@functools.lru_cache(maxsize=65536)
def letters_key(value: str) -> str:
    """Letters and digits only, without diacritics, case, punctuation or spaces: 'Hộ tịch',
    'HO-TICH' and 'Hotich' -> 'hotich'. Distinct names with the same key look alike."""
    text = match_key(value).replace("đ", "d")
    bare = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in bare if ch.isalnum() and not unicodedata.combining(ch))
