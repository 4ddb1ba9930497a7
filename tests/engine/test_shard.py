"""Shards of a batch: deterministic, disjoint, and together the whole folder."""

from pathlib import PurePath

import numpy as np
import pytest
from PIL import Image

from ideepcolor_app.cli.main import main
from ideepcolor_app.engine.batch import BatchJob
from ideepcolor_app.engine.shard import Shard


@pytest.mark.parametrize("spec, expected", [("1/1", (1, 1)), ("3/8", (3, 8)), (" 2 / 2 ", (2, 2))])
def test_parse_reads_k_of_n(spec, expected):
    shard = Shard.parse(spec)
    assert (shard.index, shard.count) == expected


@pytest.mark.parametrize("spec", ["0/4", "5/4", "1/0", "a/b", "1-4", "", "1/2/3"])
def test_parse_refuses_what_is_not_k_of_n(spec):
    with pytest.raises(ValueError):
        Shard.parse(spec)


def test_shards_partition_any_set_of_paths():
    paths = [PurePath(f"roll{r}/img_{i:04d}.jpg") for r in range(5) for i in range(200)]
    owners = [[k for k in range(1, 8) if Shard(k, 7).holds(p)] for p in paths]
    assert all(len(o) == 1 for o in owners)  # every photo in exactly one shard
    sizes = np.bincount([o[0] for o in owners], minlength=8)[1:]
    assert sizes.min() > 100 and sizes.max() < 190  # and the 1000 photos spread evenly


def _folder(tmp_path, count=12):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    grey = np.tile(np.linspace(0, 255, 24, dtype=np.uint8), (16, 1))
    for i in range(count):
        Image.fromarray(grey).save(folder / ("sub" if i % 3 == 0 else ".") / f"p{i:02d}.png")
    Image.fromarray(grey).save(folder / "p01.jpg")  # same stem as p01.png: renamed in every shard
    return folder


def test_batch_shards_write_exactly_what_one_run_writes(tmp_path):
    folder = _folder(tmp_path)
    whole = BatchJob(folder, tmp_path / "out", recursive=True).plan()
    parts = [BatchJob(folder, tmp_path / "out", recursive=True, shard=Shard(k, 3)).plan() for k in (1, 2, 3)]
    assert sorted(i.destination for part in parts for i in part) == sorted(i.destination for i in whole)
    assert sum(len(p) for p in parts) == len(whole) == 13
    assert all(p for p in parts)  # each worker gets some


def test_cli_shard_runs_only_its_part_and_rejects_a_bad_spec(tmp_path, capsys):
    folder = _folder(tmp_path)
    out = tmp_path / "out"
    argv = ["batch", str(folder), str(out), "--recursive", "--backend", "levin", "--size", "16"]
    for k in (1, 2):
        assert main(argv + ["--shard", f"{k}/2"]) == 0
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.jpg"))
    assert len(written) == 13 and {"p01_png.jpg", "p01_jpg.jpg"} <= set(written)
    with pytest.raises(SystemExit) as stop:
        main(argv + ["--shard", "3/2"])
    assert stop.value.code == 2 and "K must be 1 to 2" in capsys.readouterr().err
