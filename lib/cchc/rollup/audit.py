"""`cchc verify` on a roll-up's outputs folder: the communes' figures.json named in its manifest
still have their recorded SHA-256; rebuilt from them now, every figure and every output file
is the same as published (the manifest aside: it records times).

``audit`` returns the differences under the names of cchc.verify.Verdict's fields, which
``cchc verify`` adds to its verdict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cchc.core import layout as names
from cchc.core.errors import CchcError
from cchc.core.hashing import sha256_bytes, sha256_file
from cchc.render.manifest import Manifest
from cchc.rollup.build import OUTPUTS, build
from cchc.rollup.errors import words

FIELDS = ("value", "numerator", "denominator", "rank", "change", "previous")


def audit(output_dir: Path, root: Path, manifest: Manifest) -> dict[str, Any]:
    text = words()["verify"]
    found: dict[str, Any] = {"errors": [], "figures_changed": [], "figures_only_published": [],
                             "figures_only_recomputed": [], "outputs_vs_manifest": [], "outputs_vs_rerun": [],
                             "checked": {}}
    recorded = {**(manifest.figure_files or {}), **(manifest.previous_files or {}),
                **(manifest.parameter_files or {})}
    for name, published in sorted(recorded.items()):
        path = root / name
        if not path.is_file():
            found["errors"].append(text["input_missing"].format(file=name, published=published))
        elif sha256_file(path) != published:
            found["errors"].append(text["input_changed"].format(file=name, published=published,
                                                                current=sha256_file(path)))
    try:
        built = build(root, str(manifest.period), str(manifest.unit))
    except CchcError as exc:
        found["errors"].append(text["rebuild_failed"].format(reason=exc))
        return found
    outputs = manifest.outputs or {}
    for name in OUTPUTS:
        path = output_dir / name
        published = sha256_file(path) if path.is_file() else None
        if published != outputs.get(name):
            found["outputs_vs_manifest"].append({"file": name, "manifest": outputs.get(name), "published": published})
        rebuilt = sha256_bytes(built.files[name])
        if published != rebuilt:
            found["outputs_vs_rerun"].append({"file": name, "published": published, "recomputed": rebuilt})
    _figures(output_dir / names.FIGURES, json.loads(built.files[names.FIGURES]), found)
    parameters = len(manifest.parameter_files or {})
    found["checked"] = {"raw_files": len(recorded) - parameters, "parameter_files": parameters,
                        "figures": len(json.loads(built.files[names.FIGURES])["figures"]), "lists": 0,
                        "outputs": list(OUTPUTS)}
    return found


def _figures(path: Path, rebuilt: dict[str, Any], found: dict[str, Any]) -> None:
    try:
        published = json.loads(path.read_text(encoding="utf-8"))["figures"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        found["errors"].append(f"{path.name}: {exc}")
        return
    new = rebuilt["figures"]
    for figure_id in sorted(set(published) | set(new)):
        if figure_id not in new:
            found["figures_only_published"].append(figure_id)
        elif figure_id not in published:
            found["figures_only_recomputed"].append(figure_id)
        else:
            a, b = published[figure_id], new[figure_id]
            for name in FIELDS:
                if (name in a or name in b) and a.get(name) != b.get(name):
                    found["figures_changed"].append({"id": figure_id, "field": name, "published": a.get(name),
                                                     "recomputed": b.get(name)})
