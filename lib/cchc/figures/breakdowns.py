"""The breakdowns' groups (by field, by agency): which group each row is in, each group's part of
the figure ids and its name as shown. One mapping of rows to groups for the figures of the
dossier list (cchc.figures.tthc), of the statistics of form 06a (cchc.figures.tthc_stats), the
rows behind them and the checks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np
import pandas as pd

from cchc.core.hashing import sha256_bytes
from cchc.core.text import normalize, slug
from cchc.figures.groups import group_key


def group_ids(keys: Iterable[str]) -> dict[str, str]:
    """Group key -> its part of the figure ids (tthc.<breakdown>.<part>.*): the slug of the name
    when no other group has that slug; else (several names with one slug, such as "Hộ tịch" and
    "Ho tich", or a name without letters or digits, whose slug is empty) the slug followed by the
    first 8 hex digits of the SHA-256 of the key, the name normalised in lower case (more digits
    should two ever coincide): distinct, and each fixed by its own name, whatever the other names."""
    slugs = {key: slug(key) for key in sorted(set(keys))}
    shared = Counter(slugs.values())
    for width in (8, 16, 64):
        ids = {key: text if text and shared[text] == 1
               else "-".join(filter(None, (text, sha256_bytes(key.encode("utf-8"))[:width])))
               for key, text in slugs.items()}
        if len(set(ids.values())) == len(ids):
            break
    return ids


def group_rows(values: pd.Series) -> tuple[pd.Series, dict[str, str]]:
    """The group of each row (its part of the figure ids, ``group_ids`` of ``group_key``) and each
    group's name as shown: its most frequent spelling, normalised (ties: sorted). The one mapping of rows to
    groups: the figures, the rows behind them (``rows_of``) and the checks use it."""
    codes, order, names = grouping(values)
    return pd.Series(np.array(order, dtype=object)[codes], index=values.index), names


def grouping(values: pd.Series) -> tuple[np.ndarray, list[str], dict[str, str]]:
    """``group_rows`` as each row's position in the sorted list of groups, that list and the
    names shown: each distinct spelling keyed, normalised and counted once."""
    codes, spellings = pd.factorize(values.astype(str), use_na_sentinel=False)
    spellings = list(spellings)
    keys = [group_key(name) for name in spellings]
    ids = group_ids(keys)
    part = [ids[key] for key in keys]
    order = sorted(set(part))
    position = {group: i for i, group in enumerate(order)}
    frequency: Counter[tuple[str, str]] = Counter()
    for group, name, rows in zip(part, spellings, np.bincount(codes, minlength=len(spellings)).tolist()):
        frequency[group, normalize(name)] += rows
    names: dict[str, str] = {}
    for (group, name), _ in sorted(frequency.items(), key=lambda item: (item[0][0], -item[1], item[0][1])):
        names.setdefault(group, name)
    return np.array([position[group] for group in part], dtype=np.intp)[codes], order, names
