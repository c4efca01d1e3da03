"""`cchc verify`: does a published run still follow from its raw data?

For an auditor. Given outputs/<unit>/<period>/ this checks the raw and parameter files against
the hashes in the run's manifest.json, re-runs the whole pipeline from the raw files into a
fresh temporary workspace, compares every figure of the published figures.json with the
recomputed one, and the SHA-256 of every output file with the re-run's and with the manifest's.
The verdict lists each difference with the exact values; the words are in data/verify.yaml.

report.ipynb (the executed notebook: cell timings, the workspace path) and manifest.json
(run times) are not byte-identical across runs and are left out of the hash comparison.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cchc.core import jsontext
from cchc.core.hashing import sha256_file as sha256
from cchc.core.layout import FIGURES, MANIFEST, NOTEBOOK, Layout
from cchc.core.resources import load_yaml
from cchc.render.manifest import Manifest, notebook_file, prose_files
from cchc.replay import CURRENT, PublishedRun, outputs_root
from cchc.rollup import KIND as ROLLUP
from cchc.rollup.audit import audit as audit_rollup

EXCLUDED = [NOTEBOOK, MANIFEST]  # never byte-identical across runs
FIGURE_FIELDS = ["value", "numerator", "denominator", "target", "met", "assessment", "as_of"]
IGNORED_PREFIXES = (".", "~$")  # lock and hidden files, passed over by ingest too


@dataclass
class Verdict:
    """The outcome of a verification. ``ok`` is true only when every list of differences is
    empty and there is no error. Paths are as given (output_dir) and resolved (root)."""

    output_dir: str
    root: str
    unit: str | None = None
    period: str | None = None
    ok: bool = False
    errors: list[str] = field(default_factory=list)              # manifest unreadable, re-run failed …
    raw_changed: list[dict] = field(default_factory=list)        # {file, published, current}
    raw_added: list[dict] = field(default_factory=list)          # {file, current}
    raw_missing: list[dict] = field(default_factory=list)        # {file, published}
    params_changed: list[dict] = field(default_factory=list)
    params_added: list[dict] = field(default_factory=list)
    params_missing: list[dict] = field(default_factory=list)
    prose_changed: list[dict] = field(default_factory=list)      # the analyst's prose files, as raw_*
    prose_added: list[dict] = field(default_factory=list)
    prose_missing: list[dict] = field(default_factory=list)
    notebook_changed: list[dict] = field(default_factory=list)   # {file, published, current}
    figures_changed: list[dict] = field(default_factory=list)    # {id, field, published, recomputed}
    figures_only_published: list[str] = field(default_factory=list)
    figures_only_recomputed: list[str] = field(default_factory=list)
    lists_changed: list[dict] = field(default_factory=list)      # {id, published, recomputed} (the lists)
    lists_only_published: list[str] = field(default_factory=list)
    lists_only_recomputed: list[str] = field(default_factory=list)
    outputs_vs_manifest: list[dict] = field(default_factory=list)  # {file, manifest, published}; None = absent
    outputs_vs_rerun: list[dict] = field(default_factory=list)     # {file, published, recomputed}; None = absent
    # informational, never a difference:
    checked: dict = field(default_factory=dict)                  # counts and output names compared
    excluded: list[str] = field(default_factory=lambda: list(EXCLUDED))
    not_in_manifest: list[str] = field(default_factory=list)     # files of the output dir the manifest does not list
    ignored_raw: list[str] = field(default_factory=list)
    rerun_only: list[str] = field(default_factory=list)          # outputs the re-run made that the manifest lacks
    environment: list[dict] = field(default_factory=list)        # {name, published, current}
    raw_not_found: str | None = None                             # the raw folder searched, when it held none

    DIFFERENCES = ("errors", "raw_changed", "raw_added", "raw_missing", "params_changed", "params_added",
                   "params_missing", "prose_changed", "prose_added", "prose_missing", "notebook_changed",
                   "figures_changed", "figures_only_published", "figures_only_recomputed",
                   "lists_changed", "lists_only_published", "lists_only_recomputed", "outputs_vs_manifest",
                   "outputs_vs_rerun")

    def difference_count(self) -> int:
        return sum(len(getattr(self, name)) for name in self.DIFFERENCES)

    def exit_code(self) -> int:
        """0 when everything matches, 1 otherwise (the command's exit status)."""
        return 0 if self.ok else 1


def verify(output_dir: Path, root: Path | None = None) -> Verdict:
    """Verify the published run in ``output_dir`` (absolute or relative) against the raw data
    of ``root`` (default: the directory containing outputs/). Never raises for a problem of
    the data: a missing manifest or a failing re-run is a failed verdict with its message."""
    output_dir = Path(output_dir)
    resolved = output_dir.resolve()
    root = Path(root).resolve() if root is not None else outputs_root(output_dir)
    verdict = Verdict(output_dir=output_dir.as_posix(), root=root.as_posix())
    words = load_yaml("verify.yaml")

    path = resolved / MANIFEST
    if not path.is_file():
        verdict.errors.append(words["manifest_missing"].format(file=path.as_posix()))
    else:
        try:
            run = PublishedRun.open(output_dir, root)
        except (OSError, ValueError) as exc:
            verdict.errors.append(words["manifest_unreadable"].format(file=path.as_posix(), reason=exc))
        else:
            _verify(run, verdict, words)
    if verdict.unit is None:
        verdict.unit, verdict.period = resolved.parent.name, resolved.name
    return _finish(verdict)


def _verify(run: PublishedRun, verdict: Verdict, words: dict) -> None:
    manifest, root = run.manifest, run.root
    verdict.unit, verdict.period = run.unit, run.period
    if manifest.kind == ROLLUP:  # a city's roll-up: rebuilt from its communes' published figures
        for name, found in audit_rollup(run.output_dir.resolve(), root, manifest).items():
            getattr(verdict, name).update(found) if name == "checked" else getattr(verdict, name).extend(found)
        return
    if not run.raw_found():
        # the wrong root (a copied outputs folder): say where it looked and suggest --root
        raw = Layout(root, run.unit, run.period).raw_dir
        verdict.raw_not_found = raw.as_posix()
        verdict.errors.append(words["raw_not_found"].format(folder=raw.as_posix(), root=root.as_posix(),
                                                            output_dir=verdict.output_dir))
        return
    _check_inputs(run, verdict)
    with run.workspace(CURRENT, prefix="cchc-verify-") as workspace:
        # The re-run is the real command in a fresh process, as the scheduler runs it (and no
        # state of this process — kernels, sockets, caches — can leak into it). Checks that
        # failed at publication fail again; --allow-failed-checks lets the outputs be compared.
        done = subprocess.run([sys.executable, "-m", "cchc", "run", "--unit", run.unit, "--period", run.period,
                               "--root", str(workspace), "--force", "--allow-failed-checks", "--quiet",
                               "--log-format", "json"],
                              capture_output=True, text=True, cwd=workspace)
        if done.returncode != 0:  # a failed re-run is a verdict, not a crash
            reason = _failure(done)
            reason = reason.replace(str(workspace), words.get("temp_dir", "<thư mục tạm>"))
            verdict.errors.append(words["run_failed"].format(reason=reason))
            return
        rerun_dir = Layout(workspace, run.unit, run.period).outputs_dir
        published_dir = run.output_dir.resolve()
        _compare_figures(published_dir, rerun_dir, verdict, words)
        _compare_outputs(published_dir, rerun_dir, manifest, verdict)
        _compare_environment(manifest, rerun_dir, verdict)


# --- steps ---------------------------------------------------------------------------------

def _failure(done: subprocess.CompletedProcess) -> str:
    """Why the re-run failed: its first error (its JSON log), else the last line it wrote."""
    for line in done.stdout.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("level") == "error":
            return str(record.get("message"))
    return (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]


def _read_json(path: Path, verdict: Verdict, words: dict, missing: str, unreadable: str) -> Any:
    shown = path.as_posix()
    if not path.is_file():
        verdict.errors.append(words[missing].format(file=shown))
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        verdict.errors.append(words[unreadable].format(file=shown, reason=exc))
        return None


def _compare_hashes(recorded: dict[str, str], current: dict[str, str], changed: list, added: list,
                    missing: list) -> None:
    for name in sorted(set(recorded) | set(current)):
        before, now = recorded.get(name), current.get(name)
        if before is None:
            added.append({"file": name, "current": now})
        elif now is None:
            missing.append({"file": name, "published": before})
        elif before != now:
            changed.append({"file": name, "published": before, "current": now})


def _check_inputs(run: PublishedRun, verdict: Verdict) -> None:
    """Raw files and parameter files of the root against the manifest's hashes."""
    manifest, root = run.manifest, run.root
    layout = Layout(root, run.unit, run.period)
    folder = layout.raw_dir
    ignored_by_run = set(manifest.ignored_files or [])
    current: dict[str, str] = {}
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = path.relative_to(folder).as_posix()
            key = layout.shown(path)
            if key in run.raw_files:
                current[key] = sha256(path)
            elif name in ignored_by_run or path.name.startswith(IGNORED_PREFIXES):
                verdict.ignored_raw.append(key)
            else:
                current[key] = sha256(path)
    _compare_hashes(run.raw_files, current, verdict.raw_changed, verdict.raw_added, verdict.raw_missing)

    recorded = manifest.parameter_files or {}
    candidates = {layout.unit_params, layout.period_params}
    candidates |= {root / name for name in recorded}
    params = {layout.shown(p): sha256(p) for p in sorted(candidates) if p.is_file()}
    _compare_hashes(recorded, params, verdict.params_changed, verdict.params_added, verdict.params_missing)
    verdict.checked.update({"raw_files": len(current), "parameter_files": len(params)})
    if manifest.prose_files is not None:  # manifests before the prose was recorded: not compared
        _compare_hashes(manifest.prose_files, prose_files(layout), verdict.prose_changed,
                        verdict.prose_added, verdict.prose_missing)
        verdict.checked["prose_files"] = len(manifest.prose_files)
    if manifest.notebook:
        then, now = manifest.notebook, notebook_file(layout)
        if then != now:
            verdict.notebook_changed.append({"file": now.file, "published": then.sha256,
                                             "current": now.sha256, "published_file": then.file})


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON (so 1, 1.0 and true are different values, as they are in the file)."""
    return json.dumps(a, sort_keys=True, ensure_ascii=False) == json.dumps(b, sort_keys=True, ensure_ascii=False)


def _compare_figures(published_dir: Path, rerun_dir: Path, verdict: Verdict, words: dict) -> None:
    published = _read_json(published_dir / FIGURES, verdict, words, "figures_unreadable", "figures_unreadable")
    recomputed = json.loads((rerun_dir / FIGURES).read_text(encoding="utf-8"))
    if not isinstance(published, dict):
        return
    old, new = published.get("figures") or {}, recomputed.get("figures") or {}
    verdict.checked["figures"] = len(set(old) | set(new))
    for figure_id in sorted(set(old) | set(new)):
        if figure_id not in new:
            verdict.figures_only_published.append(figure_id)
        elif figure_id not in old:
            verdict.figures_only_recomputed.append(figure_id)
        else:
            a, b = old[figure_id], new[figure_id]
            for name in FIGURE_FIELDS:
                if (name in a or name in b) and not _same(a.get(name), b.get(name)):
                    verdict.figures_changed.append({"id": figure_id, "field": name, "published": a.get(name),
                                                    "recomputed": b.get(name)})
    old, new = published.get("lists") or {}, recomputed.get("lists") or {}
    for list_id in sorted(set(old) | set(new)):
        if list_id not in new:
            verdict.lists_only_published.append(list_id)
        elif list_id not in old:
            verdict.lists_only_recomputed.append(list_id)
        elif not _same(old[list_id], new[list_id]):
            verdict.lists_changed.append({"id": list_id, "published": old[list_id], "recomputed": new[list_id]})
    verdict.checked["lists"] = len(set(old) | set(new))


def _compare_outputs(published_dir: Path, rerun_dir: Path, manifest: Manifest, verdict: Verdict) -> None:
    recorded: dict[str, str] = manifest.outputs or {}
    names = [name for name in sorted(recorded) if name not in EXCLUDED]
    for name in names:
        published = sha256(published_dir / name) if (published_dir / name).is_file() else None
        recomputed = sha256(rerun_dir / name) if (rerun_dir / name).is_file() else None
        if published != recorded[name]:
            verdict.outputs_vs_manifest.append({"file": name, "manifest": recorded[name], "published": published})
        if published != recomputed:
            verdict.outputs_vs_rerun.append({"file": name, "published": published, "recomputed": recomputed})
    verdict.checked["outputs"] = names
    listed = set(recorded) | {MANIFEST}
    verdict.not_in_manifest = sorted(p.name for p in published_dir.iterdir() if p.is_file() and p.name not in listed)
    verdict.rerun_only = sorted(p.name for p in rerun_dir.iterdir() if p.is_file() and p.name not in listed)


def _compare_environment(manifest: Manifest, rerun_dir: Path, verdict: Verdict) -> None:
    """Code commit and package versions, then and now: context for a hash difference."""
    try:
        current = Manifest.read(rerun_dir / MANIFEST)
    except (OSError, ValueError):
        return
    then, now = (m.code.model_dump() if m.code else {} for m in (manifest, current))
    if not _same(then, now):
        verdict.environment.append({"name": "code", "published": then, "current": now})
    then, now = manifest.versions or {}, current.versions or {}
    for name in sorted(set(then) | set(now)):
        if then.get(name) != now.get(name):
            verdict.environment.append({"name": name, "published": then.get(name), "current": now.get(name)})


def _finish(verdict: Verdict) -> Verdict:
    verdict.ok = verdict.difference_count() == 0
    return verdict


# --- rendering -----------------------------------------------------------------------------

def to_json(verdict: Verdict) -> str:
    """The verdict as JSON (sorted keys, UTF-8 text)."""
    return jsontext.dumps(asdict(verdict))


def _value(value: Any, words: dict) -> str:
    return words["none"] if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _code(code: Any, words: dict) -> str:
    if not isinstance(code, dict):
        return _value(code, words)
    return f"{code.get('commit') or words['none']}{words['code_dirty'] if code.get('dirty') else ''}"


def to_text(verdict: Verdict) -> str:
    """The verdict for a person, in Vietnamese: "ĐẠT …" or "KHÔNG ĐẠT …" on the first line,
    then every difference with its exact values."""
    words = load_yaml("verify.yaml")
    head = dict(folder=verdict.output_dir, unit=verdict.unit, period=verdict.period)
    lines = [words["verdict_ok"].format(**head) if verdict.ok
             else words["verdict_failed"].format(count=verdict.difference_count(), **head),
             words["root_used"].format(root=verdict.root)]
    headings = words["headings"]
    absent = words["absent"]

    def section(title: str, items: list[str]) -> None:
        if items:
            lines.extend(["", headings[title], *items])

    def files(changed: list, added: list, missing: list) -> list[str]:
        return ([words["file_changed"].format(**item) for item in changed]
                + [words["file_added"].format(**item) for item in added]
                + [words["file_missing"].format(**item) for item in missing])

    section("errors", [f"  - {error}" for error in verdict.errors])
    section("raw", files(verdict.raw_changed, verdict.raw_added, verdict.raw_missing))
    section("params", files(verdict.params_changed, verdict.params_added, verdict.params_missing))
    section("prose", [words["prose_changed"].format(**item) for item in verdict.prose_changed]
            + [words["prose_added"].format(**item) for item in verdict.prose_added]
            + [words["prose_missing"].format(**item) for item in verdict.prose_missing])
    section("notebook", [words["notebook_changed"].format(**item) for item in verdict.notebook_changed])
    section("figures", [words["figure_changed"].format(
        id=item["id"], field=words["fields"].get(item["field"], item["field"]),
        published=_value(item["published"], words), recomputed=_value(item["recomputed"], words))
        for item in verdict.figures_changed]
        + [words["figure_only_published"].format(id=i) for i in verdict.figures_only_published]
        + [words["figure_only_recomputed"].format(id=i) for i in verdict.figures_only_recomputed])
    section("lists", [words["list_changed"].format(id=item["id"], published=len(item["published"] or []),
                                                   recomputed=len(item["recomputed"] or []))
                      for item in verdict.lists_changed]
            + [words["list_only_published"].format(id=i) for i in verdict.lists_only_published]
            + [words["list_only_recomputed"].format(id=i) for i in verdict.lists_only_recomputed])
    section("outputs_manifest", [words["output_manifest"].format(
        file=item["file"], manifest=item["manifest"], published=item["published"] or absent)
        for item in verdict.outputs_vs_manifest])
    section("outputs_rerun", [words["output_rerun"].format(
        file=item["file"], published=item["published"] or absent, recomputed=item["recomputed"] or absent)
        for item in verdict.outputs_vs_rerun])
    section("environment", [words["environment_item"].format(
        name=item["name"],
        published=_code(item["published"], words) if item["name"] == "code" else _value(item["published"], words),
        current=_code(item["current"], words) if item["name"] == "code" else _value(item["current"], words))
        for item in verdict.environment])

    notes = []
    checked = verdict.checked
    if "outputs" in checked:
        notes.append(words["checked"].format(raw=checked.get("raw_files", 0), params=checked.get("parameter_files", 0),
                                             figures=checked.get("figures", 0), lists=checked.get("lists", 0),
                                             outputs=len(checked["outputs"]), names=", ".join(checked["outputs"])))
        notes.append(words["excluded"])
    if verdict.ignored_raw:
        notes.append(words["ignored"].format(files=", ".join(verdict.ignored_raw)))
    if verdict.not_in_manifest:
        notes.append(words["not_in_manifest"].format(folder=verdict.output_dir,
                                                     files=", ".join(verdict.not_in_manifest)))
    if verdict.rerun_only:
        notes.append(words["rerun_only"].format(files=", ".join(verdict.rerun_only)))
    if notes:
        lines.extend(["", *notes])
    return "\n".join(lines) + "\n"
