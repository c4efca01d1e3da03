"""The `cchc` command. Imports stay light: each subcommand's module (which brings pandas,
Jupyter, the writers…) is imported by the branch that runs it, so `cchc ingest` never loads
Jupyter machinery nor, when its cache is fresh, pandas."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from importlib import metadata
from pathlib import Path

from cchc.batch.arguments import add_parser as add_batch_parser
from cchc.config.params import load_params
from cchc.core import fmt, log
from cchc.core.errors import CchcError, message
from cchc.core.layout import AUDIT_HTML, INGEST_REPORT_MD, Layout
from cchc.core.resources import load_yaml
from cchc.ingest.absent import missing_text
from cchc.ingest.run import ingest
from cchc.render import CELL_TIMEOUT

EXIT_USER_ERROR = 1
EXIT_INTERNAL_ERROR = 3
DEMO_UNIT, DEMO_PERIOD = "nguyen-luong-bang", "2025"


def _seconds(value: str) -> int:
    """A positive whole number of seconds (--cell-timeout)."""
    if value.isdigit() and int(value) > 0:
        return int(value)
    raise argparse.ArgumentTypeError(load_yaml("cli.yaml")["options"]["bad_seconds"].format(value=value))


def _version() -> str:
    """The installed package's version (its metadata)."""
    try:
        return metadata.version("cchc")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def log_options(sub: argparse.ArgumentParser) -> None:
    """--quiet and --log-format, for a command that logs a run's steps (core/log.py)."""
    opts = load_yaml("cli.yaml")["options"]
    sub.add_argument("--quiet", action="store_true", help=opts["quiet"])
    sub.add_argument("--log-format", choices=log.FORMATS, default=log.TEXT, help=opts["log_format"])


def run_log(args: argparse.Namespace) -> log.RunLog | None:
    """The log of a command that has --log-format (None for the others)."""
    if not hasattr(args, "log_format"):
        return None
    return log.RunLog(getattr(args, "unit", None), getattr(args, "period", None), fmt=args.log_format,
                      quiet=args.quiet)


def _parser() -> argparse.ArgumentParser:
    text = load_yaml("cli.yaml")
    opts = text["options"]
    parser = argparse.ArgumentParser(prog="cchc", description=text["description"], epilog=text["epilog"])
    parser.add_argument("--version", action="version", version=f"cchc {_version()}", help=opts["version"])
    commands = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")

    def unit_period(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--unit", required=True, metavar="U", help=opts["unit"])
        sub.add_argument("--period", required=True, metavar="P", help=opts["period"])
        sub.add_argument("--root", type=Path, default=Path("."), metavar="DIR", help=opts["root"])

    for name in ("run", "ingest"):
        sub = commands.add_parser(name, help=text["commands"][name], description=text["commands"][name])
        unit_period(sub)
        sub.add_argument("--force", action="store_true", help=opts["force"])
        sub.add_argument("--no-wait", action="store_true", help=opts["no_wait"])
        log_options(sub)
        if name == "run":
            sub.add_argument("--allow-failed-checks", action="store_true", help=opts["allow_failed_checks"])
            sub.add_argument("--cell-timeout", type=_seconds, default=CELL_TIMEOUT, metavar="GIÂY",
                             help=opts["cell_timeout"].format(default=CELL_TIMEOUT))
    verify = commands.add_parser("verify", help=text["commands"]["verify"], description=text["commands"]["verify"])
    verify.add_argument("output_dir", type=Path, metavar="OUTPUT_DIR", help=opts["output_dir"])
    verify.add_argument("--root", type=Path, default=None, metavar="DIR", help=opts["verify_root"])
    verify.add_argument("--json", action="store_true", help=opts["json"])
    ex_help = load_yaml("explain.yaml")["cli"]
    explain = commands.add_parser("explain", help=ex_help["command"], description=ex_help["command"])
    explain.add_argument("figure_id", metavar="FIGURE_ID", help=ex_help["figure_id"])
    explain.add_argument("output_dir", nargs="?", type=Path, metavar="OUTPUT_DIR", help=ex_help["output_dir"])
    explain.add_argument("--unit", metavar="U", help=opts["unit"])
    explain.add_argument("--period", metavar="P", help=opts["period"])
    explain.add_argument("--root", type=Path, default=None, metavar="DIR", help=ex_help["root"])
    explain.add_argument("--only", choices=("outside", "inside"), help=ex_help["only"])
    explain.add_argument("--csv", type=Path, metavar="FILE", help=ex_help["csv"])
    shown = load_yaml("sources-view.yaml")["command"]
    sources = commands.add_parser("sources", help=shown, description=shown)
    unit_period(sources)
    sources.add_argument("--force", action="store_true", help=opts["force"])
    sources.add_argument("--json", action="store_true", help=opts["json"])
    template = commands.add_parser("template", help=text["commands"]["template"],
                                   description=text["commands"]["template"])
    unit_period(template)
    prose = commands.add_parser("prose", help=text["commands"]["prose"], description=text["commands"]["prose"])
    unit_period(prose)
    demo = commands.add_parser("demo", help=text["commands"]["demo"], description=text["commands"]["demo"])
    demo.add_argument("--root", type=Path, default=Path("."), metavar="DIR", help=opts["root"])
    demo.add_argument("--force", action="store_true", help=opts["demo_force"])
    many = load_yaml("demo/communes.yaml")["cli"]
    demo.add_argument("--communes", type=int, default=None, metavar="N", help=many["communes"])
    demo.add_argument("--seed", type=int, default=None, metavar="S", help=many["seed"])
    add_batch_parser(commands, opts["root"])
    roll = load_yaml("report/rollup.yaml")["cli"]
    rollup = commands.add_parser("rollup", help=roll["command"], description=roll["command"])
    rollup.add_argument("--period", required=True, metavar="P", help=roll["period"])
    rollup.add_argument("--root", type=Path, default=Path("."), metavar="DIR", help=opts["root"])
    rollup.add_argument("--city", metavar="C", help=roll["city"])
    return parser


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _ingest_summary(result, root: Path) -> str:
    report = result.report
    rows = {"kept": 0, "collapsed": 0, "quarantined": 0}
    for source in report["sources"].values():
        for key in rows:
            rows[key] += source["rows"][key]
    report_path = _shown(result.processed_dir / INGEST_REPORT_MD, root)
    missing = missing_text(report)  # the sources and columns absent, with what they take away
    if result.from_cache:
        return message("ingest_cached", report=report_path, missing=missing)
    shown = {key: fmt.integer(value) for key, value in rows.items()}
    files = len({entry["file"] for entry in report["files"]})  # one entry per sheet
    return message("ingest_done", files=files, report=report_path, missing=missing, **shown)


def _warnings(report: dict) -> list[str]:
    notes = []
    for entry in report["files"]:
        footer = entry.get("footer")
        if footer and footer.get("declared") is not None and not footer["matches"]:
            notes.append(message("footer_mismatch_notice", file=entry["file"],
                                 declared=footer["declared"], data=footer["data_rows"]))
    if report["quarantine"]["rows"]:
        notes.append(message("quarantine_notice", rows=report["quarantine"]["rows"],
                             report=INGEST_REPORT_MD))
    return notes


def _summary(runlog: log.RunLog, result, root: Path) -> None:
    """The run's warnings (failed checks published, checks in warning, a report mostly without
    prose), then its last line: reports written, warnings, failed checks, sections without prose."""
    words = log.words()
    if result.failed_checks:
        runlog.warning(words["failed_checks_warning"].format(ids=", ".join(result.failed_checks)), "checks")
    for check_id in result.warning_checks:
        runlog.warning(words["check_warning"].format(id=check_id), "checks")
    from cchc.render.audit import summary_line  # noqa: PLC0415 (loaded by the run already)

    review = summary_line(result.review, _shown(result.output_dir / AUDIT_HTML, root))
    if review:  # figures that differ from declared or published ones: for the signer, before signing
        runlog.warning(review, "checks")
    missing, total = result.unfilled
    if total and missing * 2 > total:
        runlog.warning(words["placeholders_warning"].format(count=missing, total=total, unit=result.params.unit,
                                                            period=result.params.period))
    failed = (words["failed"].format(count=len(result.failed_checks), ids=", ".join(result.failed_checks))
              if result.failed_checks else words["no_failed"])
    runlog.emit(words["summary"].format(
        reports=words["reports"].format(count=1, folder=_shown(result.output_dir, root)), warnings=runlog.warnings,
        failed=failed, placeholders=words["placeholders"].format(count=missing, total=total, notes=result.notes),
        missing=missing_text(result.ingest.report),
        seconds=fmt.plain(round(result.seconds, 1))), seconds=result.seconds, final=True)


def _dispatch(args: argparse.Namespace, runlog: log.RunLog | None = None) -> int:
    root: Path = args.root
    runlog = runlog or log.RunLog()
    if args.command == "ingest":
        with log.activated(runlog), runlog.showing("ingest"):
            result = ingest(root, load_params(root, args.unit, args.period), force=args.force,
                            wait=not args.no_wait)
        for note in _warnings(result.report):
            runlog.warning(note, "ingest")
        runlog.emit(_ingest_summary(result, root), step="ingest", final=True)  # the last line, also --quiet
        return 0
    if args.command == "run":
        from cchc.pipeline import run  # noqa: PLC0415 (see the docstring)

        with log.activated(runlog):
            result = run(root, args.unit, args.period, force=args.force, allow_failed_checks=args.allow_failed_checks,
                         cell_timeout=args.cell_timeout, wait=not args.no_wait)
        runlog.info(_ingest_summary(result.ingest, root), "ingest")
        for note in _warnings(result.ingest.report):
            runlog.warning(note, "ingest")
        runlog.info(message("run_done", figures=fmt.integer(result.figure_count),
                            folder=_shown(result.output_dir, root)))
        _summary(runlog, result, root)
        return 0
    if args.command == "verify":
        from cchc.verify import to_json, to_text, verify  # noqa: PLC0415 (see the docstring)

        verdict = verify(args.output_dir, root=args.root)
        print(to_json(verdict) if args.json else to_text(verdict), end="")
        return verdict.exit_code()
    if args.command == "explain":
        from cchc.explain import ExplainError, explain, explain_published, say, to_csv, to_text  # noqa: PLC0415

        if args.output_dir is not None:
            result = explain_published(args.output_dir, args.figure_id, root=args.root, only=args.only)
        elif args.unit and args.period:
            result = explain(root or Path("."), args.unit, args.period, args.figure_id, only=args.only)
        else:
            raise ExplainError("needs_period")
        if args.csv is not None:
            to_csv(result, args.csv)
        print(to_text(result, csv_path=None if args.csv is None else str(args.csv)), end="")
        if args.csv is not None:
            print(say("csv_done", rows=fmt.integer(len(result.rows)), path=args.csv))
        return 0
    if args.command == "sources":
        from cchc.config.sources import load_specs  # noqa: PLC0415 (see the docstring)
        from cchc.ingest.describe import describe, to_text  # noqa: PLC0415 (see the docstring)

        params = load_params(root, args.unit, args.period)
        result = ingest(root, params, force=args.force)
        described = describe(result.report, load_specs(params.aliases, params.vocabularies))
        print(json.dumps(described, ensure_ascii=False, indent=1) if args.json else to_text(described), end="")
        if args.json:
            print()
        return 0
    if args.command == "template":
        from cchc.manual import write_template  # noqa: PLC0415 (see the docstring)

        path = write_template(root, args.unit, args.period)
        print(message("template_done", path=_shown(path, root)))
        return 0
    if args.command == "prose":
        from cchc.compute import compute  # noqa: PLC0415 (see the docstring)
        from cchc.report.outline import outline  # noqa: PLC0415 (see the docstring)
        from cchc.report.prose import write_starters  # noqa: PLC0415 (see the docstring)

        figures = compute(Layout(root, args.unit, args.period)).figures
        written = write_starters(root, args.unit, args.period, list(outline()), figures)
        print(message("prose_done", count=len(written)))
        for path in written:
            print("  " + _shown(path, root))
        return 0
    if args.command == "demo" and args.communes:
        from cchc.demo.communes import command  # noqa: PLC0415 (see the docstring)

        count, folder = command(root, args.communes, args.seed, args.force)
        print(message("demo_done", count=count, folder=_shown(folder, root)))
        return 0
    if args.command == "batch":
        from cchc.batch.command import dispatch  # noqa: PLC0415 (see the docstring)

        return dispatch(args)
    if args.command == "demo":
        from cchc.demo import generate  # noqa: PLC0415 (see the docstring)

        folder = Layout(root, DEMO_UNIT, DEMO_PERIOD).raw_dir
        if folder.is_dir() and any(folder.iterdir()) and not args.force:
            raise CchcError("demo_exists", folder=_shown(folder, root))
        written = generate(root)
        print(message("demo_done", count=len(written), folder=_shown(folder, root)))
        return 0
    if args.command == "rollup":
        from cchc.rollup import publish, summary  # noqa: PLC0415 (see the docstring)

        folder, built = publish(root, args.period, args.city)
        print(summary(built, _shown(folder, root)))
        return 0
    raise AssertionError(args.command)


def main(argv: list[str] | None = None) -> int:
    if not sys.stdout.isatty():  # a scheduler's log: every line out at once, in order (and the workers')
        log.line_buffered()
        os.environ.setdefault("PYTHONUNBUFFERED", "1")
    args = _parser().parse_args(argv)
    runlog, started = run_log(args), time.perf_counter()
    try:
        return _dispatch(args, runlog)
    except CchcError as exc:
        if runlog is None:
            print(message("error_prefix") + str(exc), file=sys.stderr)
            for note in getattr(exc, "__notes__", ()):
                print(note, file=sys.stderr)
        else:
            runlog.error(message("error_prefix") + str(exc))
            for note in getattr(exc, "__notes__", ()):
                runlog.error(note)
            seconds = time.perf_counter() - started
            runlog.emit(log.words()["summary_failed_run"].format(
                warnings=runlog.warnings, seconds=fmt.plain(round(seconds, 1))), log.ERROR, seconds=seconds,
                final=True)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: say so loudly, with the traceback for the developers
        traceback.print_exc()
        print(message("error_prefix") + message("internal_error", reason=exc), file=sys.stderr)
        return EXIT_INTERNAL_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
