"""``DIR/batch-report.json``: what a batch did with each input."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__, partfiles
from ..errors import OutputError

REPORT = "batch-report.json"
STATUSES = ("built", "skipped", "failed")


@dataclass(slots=True)
class BatchReport:
    """The report: one entry per publication, in the order of the inputs."""

    publications: list[dict] = field(default_factory=list)
    """Each publication's result (:func:`pubbuild.batch.tasks.build_publication`)."""
    archives: dict | None = None
    """For ``--warc``: what the archives held and what became of it."""
    seconds: float = 0.0
    """Wall-clock time of the whole batch."""
    workers: int = 0
    """Workers the cluster had when the batch began."""

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for pub in self.publications:
            out[pub["status"]] += 1
        return out

    def failed(self) -> list[dict]:
        return [p for p in self.publications if p["status"] == "failed"]

    def as_dict(self) -> dict:
        data = {"pubbuild": __version__, "counts": self.counts(), "seconds": round(self.seconds, 3),
                "workers": self.workers, "publications": self.publications}
        if self.archives is not None:
            data["archives"] = self.archives
        return data

    def write(self, out_dir: Path) -> Path:
        """Write the report atomically into ``out_dir``."""
        target = out_dir / REPORT
        try:
            with partfiles.temporary(target) as tmp:
                tmp.write_text(json.dumps(self.as_dict(), ensure_ascii=False, indent=1) + "\n",
                               encoding="utf-8")
                os.chmod(tmp, 0o644)
                os.replace(tmp, target)
        except OSError as exc:
            raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from None
        return target
