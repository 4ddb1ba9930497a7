"""What a batch did: one `BatchOutcome` per photo, gathered in a `BatchReport` (summary, JSON)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ideepcolor_app.engine.backend_choice import AutomaticPick

__all__ = ["BatchItem", "BatchOutcome", "BatchReport"]

Status = Literal["done", "skipped", "failed"]


@dataclass(frozen=True)
class BatchItem:
    """One photo of a batch: where its output goes and which sidecar hints file it would use."""

    photo: Path
    destination: Path
    sidecar: Path | None
    renamed: bool = False


@dataclass(frozen=True)
class BatchOutcome:
    """What happened to one photo: status "done", "skipped" (a whole output exists) or "failed";
    `backend` names the backend chosen for it (empty when it was skipped before the choice),
    `sidecar` the hints file it used, if any."""

    status: Status
    message: str = ""
    backend: str = ""
    sidecar: Path | None = None


@dataclass
class BatchReport:
    """Photos colourized, skipped (output existed) and failed (with a reason), in run order.

    `used` names the backend that colourized each photo done; `automatic` is the automatic
    default's pick (None when one backend was forced); `outcomes` lists every photo handled.
    """

    done: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    renamed: list[tuple[Path, Path]] = field(default_factory=list)
    used: dict[Path, str] = field(default_factory=dict)
    outcomes: list[tuple[BatchItem, BatchOutcome]] = field(default_factory=list)
    automatic: AutomaticPick | None = None
    cancelled: bool = False
    interrupted: bool = False
    total: int = 0

    @property
    def not_started(self) -> int:
        """Photos the run did not reach (cancelled or interrupted)."""
        return self.total - len(self.done) - len(self.skipped) - len(self.failed)

    def backend_counts(self) -> dict[str, int]:
        """Photos colourized per backend, most used first (ties by name)."""
        counts = Counter(self.used.values())
        return dict(sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])))

    def record(self, item: BatchItem, outcome: BatchOutcome) -> None:
        """Add one photo's outcome."""
        self.outcomes.append((item, outcome))
        if outcome.status == "done":
            self.done.append(item.photo)
            self.used[item.photo] = outcome.backend
        elif outcome.status == "skipped":
            self.skipped.append(item.photo)
        else:
            self.failed.append((item.photo, outcome.message))

    def summary(self) -> str:
        """The one-line summary the command line prints."""
        counts = ", ".join(f"{name} {count}" for name, count in self.backend_counts().items())
        text = (
            f"{len(self.done)} colourized{f' ({counts})' if counts else ''}, "
            f"{len(self.skipped)} skipped (output exists), {len(self.failed)} failed"
        )
        if self.renamed:
            text += f", {len(self.renamed)} renamed (same name, other suffix)"
        if self.cancelled or self.interrupted:
            text += f", {self.not_started} not started"
        return text

    def to_json(self) -> str:
        """The report as JSON: the summary, counts per backend, and one entry per photo handled."""
        data: dict[str, Any] = {
            "summary": self.summary(),
            "total": self.total,
            "done": len(self.done),
            "skipped": len(self.skipped),
            "failed": len(self.failed),
            "not_started": self.not_started,
            "cancelled": self.cancelled,
            "interrupted": self.interrupted,
            "backends": self.backend_counts(),
            "automatic": None
            if self.automatic is None
            else {"backend": self.automatic.name, "reason": self.automatic.reason, "figures": self.automatic.figures},
            "photos": [
                {
                    "photo": str(item.photo),
                    "output": str(item.destination),
                    "status": outcome.status,
                    "backend": outcome.backend or None,
                    "hints": outcome.sidecar and str(outcome.sidecar),
                    "message": outcome.message or None,
                }
                for item, outcome in self.outcomes
            ],
        }
        return json.dumps(data, indent=2) + "\n"
