"""What a batch tells: a line per unit as it ends (a progress line on a terminal), and the summary
table at the end, printed and written to outputs/batch-<period>.json and .md."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from cchc.batch.arguments import words
from cchc.batch.worker import DONE, FAILED, SKIPPED, Outcome
from cchc.core import atomic, fmt, jsontext
from cchc.core.layout import Layout


def _seconds(value: float) -> str:
    return fmt.decimal(value, 1)


@dataclass
class Summary:
    root: Path
    period: str
    total: int
    stream: TextIO = field(default_factory=lambda: sys.stdout)
    outcomes: list[Outcome] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.tty = self.stream.isatty()

    def add(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)
        text = words()
        values = {"index": len(self.outcomes), "total": self.total, "unit": outcome.unit,
                  "status": text["status"][outcome.status], "seconds": _seconds(outcome.seconds),
                  "reason": outcome.reason.splitlines()[0] if outcome.reason else ""}
        line = text["progress_failed" if outcome.status == FAILED else "progress"].format(**values)
        if self.tty and outcome.status != FAILED:  # one line that moves on a terminal; failures stay
            self.stream.write("\r\033[K" + line)
        else:
            self.stream.write(("\r\033[K" if self.tty else "") + line + "\n")
        self.stream.flush()

    def counts(self) -> dict[str, int]:
        return {status: sum(o.status == status for o in self.outcomes) for status in (DONE, SKIPPED, FAILED)}

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == FAILED]

    def rows(self) -> list[Outcome]:
        """Failures first, then by unit."""
        return sorted(self.outcomes, key=lambda o: (o.status != FAILED, o.unit))

    def markdown(self) -> str:
        text = words()
        lines = [f"# {text['title'].format(period=self.period)}", "",
                 "| " + " | ".join(text["headers"]) + " |", "|" + "---|" * len(text["headers"])]
        for o in self.rows():
            reason = (o.reason.splitlines()[0] if o.reason else "").replace("|", "\\|")
            lines.append(f"| {o.unit} | {o.name} | {text['status'][o.status]} | {_seconds(o.seconds)} | {reason} |")
        return "\n".join(lines) + "\n"

    def write(self, wall_seconds: float) -> list[Path]:
        layout = Layout(self.root, period=self.period)
        json_path, md_path = layout.batch_summary("json"), layout.batch_summary("md")
        json_path.parent.mkdir(parents=True, exist_ok=True)
        data = {"period": self.period, "counts": self.counts(), "seconds": round(wall_seconds, 3),
                "units": [o.to_dict() for o in self.rows()]}
        atomic.write_text(json_path, jsontext.dumps(data))
        atomic.write_text(md_path, self.markdown())
        return [json_path, md_path]

    def finish(self, wall_seconds: float) -> list[Path]:
        """Write the files, print the table and the last line."""
        paths = self.write(wall_seconds)
        layout = Layout(self.root)
        if self.tty:
            self.stream.write("\r\033[K")
        self.stream.write("\n" + self.markdown() + "\n")
        self.stream.write(words()["summary"].format(
            total=self.total, seconds=_seconds(wall_seconds),
            files=", ".join(layout.shown(p) for p in paths), **self.counts()) + "\n")
        self.stream.flush()
        return paths
