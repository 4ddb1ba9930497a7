"""The old-print look: a clean photo's L made to look like a scanned old print, for scoring.

Real old scans have no colour truth, so the evaluation fakes their look on photos that have
one: faded contrast, soft focus, grain and (optionally) JPEG, built from the degradations the
networks were trained with (`training.data`). Only L changes; the truth's ab stays clean, so
the scores say how much the look costs the colour.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from training.data import add_grain, blur, fade, jpeg


@dataclass(frozen=True)
class OldPrintLook:
    """One fixed old-print look (the middle of the ranges `degrade_old_photo` trains on).

    Attributes:
        black, white: L that 0 and 100 are faded to (range squeezed to [black, white]).
        blur_sigma: soft focus, Gaussian sigma in pixels of the working image.
        grain_sigma: film grain in L units (clumped over about 2 px).
        jpeg_quality: None, or the quality of a grey JPEG round trip after the rest.
    """

    black: float = 12.0
    white: float = 88.0
    blur_sigma: float = 0.7
    grain_sigma: float = 3.5
    jpeg_quality: int | None = None

    def apply(self, l: torch.Tensor, seed: tuple[int, ...] | int) -> torch.Tensor:
        """Age L; the same seed gives the same grain.

        Args:
            l: (B,1,H,W) or (1,H,W) float32 CIELAB L in [0, 100].
            seed: seeds the grain (the protocol passes (seed, photo index)).
        Returns:
            L of the same shape, in [0, 100].
        """
        rng = np.random.default_rng(seed)
        batched = l.dim() == 4
        out = []
        for sample in l if batched else l[None]:
            sample = fade(sample, self.black, self.white)
            if self.blur_sigma > 0:
                sample = blur(sample, self.blur_sigma)
            if self.grain_sigma > 0:
                sample = add_grain(sample, self.grain_sigma, rng)
            if self.jpeg_quality is not None:
                sample = jpeg(sample, self.jpeg_quality)
            out.append(sample.clamp(0.0, 100.0))
        return torch.stack(out) if batched else out[0]


#: The look `training.evaluate --old-print` scores with.
OLD_PRINT = OldPrintLook()
