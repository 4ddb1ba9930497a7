"""Split a folder of photos between N workers, deterministically.

`ideepcolor batch --shard K/N` lets N independent workers (a SLURM job array, GNU parallel, a
Kubernetes indexed Job) share one archive with no coordination: a photo belongs to shard
``sha256(relative path) mod N``, which every worker computes alike whatever order the file
system lists the folder in and whichever photos already have outputs. Output names are chosen
over the whole folder first, so a shard writes exactly what a single run would.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import PurePath

_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
#: More shards than this is surely a typo (each shard would hold a handful of photos at best).
MAX_SHARDS = 1_000_000


@dataclass(frozen=True)
class Shard:
    """Shard `index` (1-based, as array jobs count) of `count`."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if not 1 <= self.count <= MAX_SHARDS:
            raise ValueError(f"the shard count must be 1 to {MAX_SHARDS}, got {self.count}")
        if not 1 <= self.index <= self.count:
            raise ValueError(f"shard {self.index}/{self.count}: K must be 1 to {self.count}")

    @classmethod
    def parse(cls, spec: str) -> Shard:
        """Read ``K/N`` (for example ``3/8``).

        Raises:
            ValueError: not of that form, or K outside 1..N.

        Example:
            >>> Shard.parse("3/8")
            Shard(index=3, count=8)
        """
        match = _SPEC.match(spec)
        if not match:
            raise ValueError(f"--shard takes K/N, such as 1/4 (got {spec[:40]!r})")
        return cls(int(match.group(1)), int(match.group(2)))

    def holds(self, relative: PurePath) -> bool:
        """Whether the photo at `relative` (to the input folder) belongs to this shard."""
        key = hashlib.sha256(relative.as_posix().encode("utf-8", "surrogateescape")).digest()
        return int.from_bytes(key[:8], "big") % self.count == self.index - 1
