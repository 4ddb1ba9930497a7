"""Train one network from a config file.

    python -m training.train training/configs/hints.toml [--out runs/hints] [--resume]
    torchrun --nproc_per_node 2 -m training.train CONFIG      # DistributedDataParallel

The run folder keeps the checkpoint, the metrics log and the best network in the app's
weights format; `--install` copies that network and its card into models/ when done.
"""

from __future__ import annotations

import argparse
import logging
import shutil
from pathlib import Path

from ideepcolor_app.engine.weights import BUNDLED_MODELS_DIR

from training.config import ConfigError, load_config
from training.loop import train


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path, help="a TOML file from training/configs/")
    parser.add_argument("--out", type=Path, help="run folder (default: runs/<name>)")
    parser.add_argument("--resume", action="store_true", help="continue from the run's checkpoint")
    parser.add_argument("--max-steps", type=int, help="override [optim] max_steps")
    parser.add_argument("--max-minutes", type=float, help="override [optim] max_minutes")
    parser.add_argument("--install", action="store_true",
                        help=f"copy the best network into {BUNDLED_MODELS_DIR} at the end")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    optim = {k: v for k, v in (("max_steps", args.max_steps), ("max_minutes", args.max_minutes)) if v is not None}
    try:
        cfg = load_config(args.config, optim=optim)
    except ConfigError as err:
        parser.error(str(err))
    out = args.out or Path("runs") / cfg.name
    weights = train(cfg, out, resume=args.resume)
    if weights is not None:
        print(f"best network: {weights}")
        if args.install:
            for path in (weights, weights.with_suffix(".json")):
                shutil.copy2(path, BUNDLED_MODELS_DIR / path.name)
            print(f"installed into {BUNDLED_MODELS_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
