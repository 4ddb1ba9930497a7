"""Colour-bin prior of a corpus and the ECCV16 class-rebalancing weights derived from it.

    python -m training.prior [--images DIR ...] [--out models/bin_prior.safetensors]

Counts each pixel's nearest bin over every photo (at 1/4 of a 256-pixel short side, as the
networks' distribution heads see it), then `BinSet.rebalance_weights` (Gaussian smoothing
sigma 5, lambda 0.5). The file lives beside the weights; the trainers that rebalance read it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from ideepcolor_app.atomic import atomic_path
from ideepcolor_app.color import BinSet
from ideepcolor_app.engine.weights import BUNDLED_MODELS_DIR
from training.config import DataConfig
from training.data import PhotoCrops, to_lab

PRIOR_FILE = BUNDLED_MODELS_DIR / "bin_prior.safetensors"


def corpus_prior(folders, bins: BinSet, short_side: int = 256) -> torch.Tensor:
    """(Q,) int64 counts of nearest bins over every photo of the folders, at 1/4 resolution."""
    photos = PhotoCrops(folders, cache_short_side=short_side, augment=False)
    counts = torch.zeros(bins.num_bins, dtype=torch.int64)
    for rgb_u8 in photos.photos:
        rgb = torch.from_numpy(rgb_u8).permute(2, 0, 1).float()[None] / 255.0
        _, ab = to_lab(rgb)
        counts += bins.empirical_distribution(F.avg_pool2d(ab, 4), normalize=False)
    return counts


def save_prior(counts: torch.Tensor, bins: BinSet, path: Path, sources: list[str]) -> None:
    prior = counts.double() / counts.sum()
    weights = bins.rebalance_weights(prior, lam=0.5, sigma=5.0)
    meta = {"sources": json.dumps(sources), "bins": "grid-529 (index ia*23+ib)", "lambda": "0.5", "sigma": "5"}
    with atomic_path(path) as tmp:
        save_file({"prior": prior.float(), "weights": weights}, str(tmp), metadata=meta)


def load_class_weights(path: Path = PRIOR_FILE) -> torch.Tensor:
    """(Q,) float32 rebalancing weights from a prior file.

    Raises:
        FileNotFoundError / ValueError: with the command that makes the file.
    """
    if not Path(path).is_file():
        raise FileNotFoundError(f"{path}: no colour-bin prior; run `python -m training.prior` first")
    try:
        weights = load_file(str(path))["weights"]
    except (SafetensorError, KeyError, OSError) as err:
        raise ValueError(f"{path}: not a bin-prior file ({err}); rerun `python -m training.prior`") from None
    if weights.shape != (BinSet.default().num_bins,):
        raise ValueError(f"{path}: weights for {weights.shape[0]} bins, expected 529")
    return weights


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", nargs="+", default=list(DataConfig().train))
    parser.add_argument("--out", type=Path, default=PRIOR_FILE)
    args = parser.parse_args(argv)
    bins = BinSet.default()
    counts = corpus_prior(args.images, bins)
    save_prior(counts, bins, args.out, [str(p) for p in args.images])
    weights = load_class_weights(args.out)
    print(
        f"{args.out}: {int(counts.sum())} pixels, {int((counts > 0).sum())} bins seen, "
        f"weights {float(weights.min()):.3f}..{float(weights.max()):.3f}"
    )


if __name__ == "__main__":
    main()
