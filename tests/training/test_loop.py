"""The loop: resuming gives exactly the uninterrupted run; DDP with two CPU processes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from PIL import Image
from safetensors.torch import load_file

from training.loop import CHECKPOINT, RunState, lr_factor, run_progress, train

from .conftest import colourful_photo, tiny_config

REPO = Path(__file__).resolve().parents[2]


def test_resume_gives_identical_next_steps(photo_dir, tmp_path):
    torch.manual_seed(0)
    cfg = tiny_config(photo_dir, "hints", "hints", optim={"max_steps": 4})
    straight = train(cfg, tmp_path / "straight")
    short = tiny_config(photo_dir, "hints", "hints", optim={"max_steps": 2})
    train(short, tmp_path / "split")
    resumed = train(cfg, tmp_path / "split", resume=True)
    a, b = load_file(str(straight)), load_file(str(resumed))
    assert a.keys() == b.keys()
    for name in a:
        assert torch.equal(a[name], b[name]), name
    card = json.loads(resumed.with_suffix(".json").read_text())
    assert card["trained"] is True and "step 4, the end of" in card["description"]
    assert card["metrics"]["run"]["steps"] == 4
    log = (tmp_path / "split" / "metrics.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in log[1:] if ",loss," in row] == ["1", "2", "3", "4"]


def test_validation_keeps_the_best_network_and_writes_its_metrics(photo_dir, tmp_path):
    cfg = tiny_config(photo_dir, "regression", "plain", optim={"max_steps": 2, "val_every": 1})
    weights = train(cfg, tmp_path / "run")
    card = json.loads(weights.with_suffix(".json").read_text())
    assert set(card["metrics"]["val_psnr"]) == {"0"}
    assert card["metrics"]["selected_at_step"] in (1, 2)
    assert card["metrics"]["run"]["steps"] == 2 and card["metrics"]["run"]["minutes"] >= 0
    assert f"step {card['metrics']['selected_at_step']}," in card["description"]
    assert 5.0 < card["metrics"]["val_psnr"]["0"] < 60.0
    rows = [r for r in (tmp_path / "run" / "metrics.csv").read_text().splitlines() if ",val,score," in r]
    assert len(rows) == 2


@pytest.mark.slow  # two processes start torch
def test_two_process_ddp_step_on_cpu(photo_dir, tmp_path):
    config = tmp_path / "ddp.toml"
    config.write_text(
        'name = "ddp"\ntrainer = "gan"\n[model]\nfamily = "gan"\n'
        f'[data]\ntrain = ["{photo_dir.as_posix()}"]\nval = ["{photo_dir.as_posix()}"]\n'
        "crop_size = 128\nbatch_size = 1\ncache_short_side = 64\n"
        "[optim]\nmax_steps = 2\nval_every = 0\ncheckpoint_every = 1\nlog_every = 1\n"
    )
    env = {**os.environ, "OMP_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""}
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nproc_per_node",
        "2",
        "--master_port",
        "29517",
        "-m",
        "training.train",
        str(config),
        "--out",
        str(tmp_path / "run"),
    ]
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    state = torch.load(tmp_path / "run" / CHECKPOINT, weights_only=False)
    assert state["run"]["step"] == 2
    weights = load_file(str(tmp_path / "run" / "ddp.safetensors"))
    assert all(torch.isfinite(t).all() for t in weights.values())


def test_learning_rate_decays_over_the_last_part_of_the_step_or_time_budget(photo_dir):
    by_steps = tiny_config(photo_dir, "regression", "plain", optim={"max_steps": 100, "lr_decay_start": 0.5})
    factors = [lr_factor(run_progress(RunState(step=s), by_steps), by_steps) for s in (0, 50, 75, 100)]
    assert factors == pytest.approx([1.0, 1.0, 0.55, 0.1])

    # A time limit that arrives first drives the same schedule: 30 of 60 minutes is half-way.
    by_time = tiny_config(
        photo_dir, "regression", "plain", optim={"max_steps": 100_000, "max_minutes": 60, "lr_decay_start": 0.5}
    )
    assert run_progress(RunState(step=10, elapsed_s=45 * 60), by_time) == pytest.approx(0.75)
    assert lr_factor(run_progress(RunState(step=10, elapsed_s=45 * 60), by_time), by_time) == pytest.approx(0.55)
    assert lr_factor(2.0, by_time) == pytest.approx(0.1)


def test_init_starts_from_given_weights_and_export_last_writes_the_final_step(photo_dir, tmp_path):
    from training.export_last import export_last

    cfg = tiny_config(photo_dir, "regression", "plain", optim={"max_steps": 2, "val_every": 1})
    first = train(cfg, tmp_path / "first")
    no_steps = tiny_config(photo_dir, "regression", "plain", optim={"max_steps": 1, "lr": 0.0, "val_every": 0})
    tuned = train(no_steps, tmp_path / "tuned", init=first)
    # A recipe that is a fine-tune names its start in the config ([model] init).
    from_config = tiny_config(
        photo_dir, "regression", "plain", model={"init": str(first)}, optim={"max_steps": 1, "lr": 0.0, "val_every": 0}
    )
    configured = train(from_config, tmp_path / "configured")
    a = load_file(str(first))
    learnt = [name for name in a if "running_" not in name and "num_batches" not in name]
    assert learnt
    assert f"Fine-tuned from {first.name}." in json.loads(configured.with_suffix(".json").read_text())["description"]
    for b in (load_file(str(tuned)), load_file(str(configured))):
        for name in learnt:  # lr 0: one step leaves the initial parameters as they were
            assert torch.equal(a[name], b[name]), name
    last = export_last(tmp_path / "first", tmp_path / "last")
    card = json.loads(last.with_suffix(".json").read_text())
    assert "step 2, the end of" in card["description"] and "export_last" in card["description"]
    assert card["metrics"]["run"]["steps"] == 2


def test_init_from_weights_of_another_network_names_the_mismatch(photo_dir, tmp_path):
    from ideepcolor_app.engine.weights import WeightsError

    plain = train(
        tiny_config(photo_dir, "regression", "plain", optim={"max_steps": 1, "val_every": 0}), tmp_path / "plain"
    )
    hints = tiny_config(photo_dir, "hints", "hints", optim={"max_steps": 1, "val_every": 0})
    with pytest.raises(WeightsError, match="does not fit its network"):
        train(hints, tmp_path / "hints", init=plain)
    with pytest.raises(WeightsError, match="not a readable safetensors file"):
        train(hints, tmp_path / "hints", init=tmp_path / "missing.safetensors")


def test_train_command_sets_config_values_and_rejects_malformed_ones(photo_dir, tmp_path, capsys):
    from training.train import main

    config = tmp_path / "plain.toml"
    config.write_text(
        'name = "plain"\ntrainer = "regression"\n[model]\nfamily = "plain"\n'
        f'[data]\ntrain = ["{photo_dir.as_posix()}"]\nval = ["{photo_dir.as_posix()}"]\n'
        "crop_size = 32\nbatch_size = 1\ncache_short_side = 64\n[optim]\nmax_steps = 1\nval_every = 0\n"
    )
    assert main([str(config), "--out", str(tmp_path / "run"), "--set", "data.batch_size=3"]) == 0
    saved = json.loads((tmp_path / "run" / "config.json").read_text())
    assert saved["data"]["batch_size"] == 3
    with pytest.raises(SystemExit):
        main([str(config), "--set", "batch_size=3"])
    assert "expected SECTION.KEY=VALUE" in capsys.readouterr().err


def test_card_licence_counts_training_photos_by_their_manifest_licence(tmp_path):
    from training.loop import describe_licence

    train = tmp_path / "train"
    train.mkdir()
    for name in ("a", "b", "c", "d"):  # d has no manifest row
        Image.fromarray(colourful_photo(0, 8, 8)).save(train / f"{name}.png")
    rows = [
        "file,split,source_package,license",
        "train/a.png,train,pkg1,CC0-1.0",
        "train/b.png,train,pkg1,CC0-1.0",
        "train/c.png,train,pkg2,GPL-3.0",
    ]
    (tmp_path / "MANIFEST.csv").write_text("\n".join(rows) + "\n")
    licence = describe_licence([train], exclude_sources=("pkg2",), pretrained_encoder=True)
    assert licence["weights"] == "MIT"
    assert licence["training_photos"] == {"CC0-1.0": 2, "unknown (not in a MANIFEST.csv)": 1}
    assert "Apache-2.0" in licence["encoder"]
    assert "encoder" not in describe_licence([train])
