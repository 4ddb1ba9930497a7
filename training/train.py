"""Train one network from a config file.

    python -m training.train training/configs/hints.toml [--out runs/hints] [--resume]
    python -m training.train CONFIG --init models/hints.safetensors --set data.batch_size=32
    torchrun --nproc_per_node 2 -m training.train CONFIG      # DistributedDataParallel

The run folder keeps the checkpoint, the metrics log and the best network in the app's
weights format; `--install` copies that network and its card into models/ when done.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import tomllib
from pathlib import Path

from ideepcolor_app.engine.weights import BUNDLED_MODELS_DIR, WeightsError
from training.config import ConfigError, load_config
from training.loop import train


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path, help="a TOML file from training/configs/")
    parser.add_argument("--out", type=Path, help="run folder (default: runs/<name>)")
    parser.add_argument("--resume", action="store_true", help="continue from the run's checkpoint")
    parser.add_argument("--init", type=Path, help="start from these trained weights (fine-tune)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SECTION.KEY=VALUE",
        help="override one config value (a TOML value), e.g. data.batch_size=32",
    )
    parser.add_argument("--max-steps", type=int, help="override [optim] max_steps")
    parser.add_argument("--max-minutes", type=float, help="override [optim] max_minutes")
    parser.add_argument(
        "--install", action="store_true", help=f"copy the best network into {BUNDLED_MODELS_DIR} at the end"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    optim = {k: v for k, v in (("max_steps", args.max_steps), ("max_minutes", args.max_minutes)) if v is not None}
    overrides = {"optim": optim}
    try:
        for item in args.set:
            key, _, value = item.partition("=")
            section, _, field = key.partition(".")
            if not (section and field and value):
                raise ConfigError(f"--set {item!r}: expected SECTION.KEY=VALUE")
            try:
                overrides.setdefault(section, {})[field] = tomllib.loads(f"v = {value}")["v"]
            except tomllib.TOMLDecodeError as err:
                raise ConfigError(f"--set {item!r}: {err}") from None
        cfg = load_config(args.config, **overrides)
    except ConfigError as err:
        parser.error(str(err))
    out = args.out or Path("runs") / cfg.name
    try:
        weights = train(cfg, out, resume=args.resume, init=args.init)
    except WeightsError as err:
        parser.error(str(err))
    if weights is not None:
        print(f"best network: {weights}")
        if args.install:
            for path in (weights, weights.with_suffix(".json")):
                shutil.copy2(path, BUNDLED_MODELS_DIR / path.name)
            print(f"installed into {BUNDLED_MODELS_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
