"""The evaluation protocol (docs/architecture.md, "Evaluation protocol"), shared by
training-time validation and `training.evaluate`: photos squashed to S x S, N simulated hints
(patch side 6, a fixed seed per image, so the first points of N = 10 are those of N = 5), PSNR
of 8-bit sRGB.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ideepcolor_app.color import rgb_to_lab
from ideepcolor_app.hints import Hints, HintTensors, rasterize_hints, simulate_n_hints
from training.data import PhotoCrops, to_lab
from training.faces import load_face_boxes
from training.metrics import (
    border_stripe_ratio,
    colourfulness,
    false_colour_share,
    hint_fidelity,
    hint_leak,
    lab_to_u8,
    psnr_u8,
)
from training.old_print import OldPrintLook
from training.region_metrics import blotch_scores, face_ab_error, flat_regions

HINT_COUNTS = (0, 1, 2, 5, 10, 20, 50, 100)
EVAL_PATCH = 6

#: (l (1,1,S,S), hint tensors) -> ab (1,2,S,S) CIELAB.
Predictor = Callable[[torch.Tensor, HintTensors], torch.Tensor]


@dataclass
class EvalImage:
    name: str
    l: torch.Tensor  # (1,1,S,S) CIELAB L
    ab: torch.Tensor  # (1,2,S,S) ground-truth ab
    rgb_u8: np.ndarray  # (S,S,3) ground truth as 8-bit sRGB (L + ab round trip)
    faces: tuple = ()  # face boxes (x0, y0, x1, y1) as fractions, found on the truth
    _regions: np.ndarray | None = None

    @property
    def regions(self) -> np.ndarray:
        """(S,S) int32 labels of the truth's flat regions (`flat_regions`), computed once."""
        if self._regions is None:
            self._regions = flat_regions(self.l[0, 0].numpy(), self.ab[0].numpy())
        return self._regions

    @property
    def grey_u8(self) -> np.ndarray:
        """(S,S,3) the grayscale input a user would load (ab = 0)."""
        return lab_to_u8(self.l, torch.zeros_like(self.ab))[0]


def load_eval_images(
    folders: Sequence[str | Path], size: int = 256, limit: int | None = None, sources: Sequence[str] = ()
) -> list[EvalImage]:
    """The protocol's images: every colour photo of the folders (only those of `sources`
    when given), squashed to size x size."""
    photos = PhotoCrops(
        folders, crop_size=size, cache_short_side=size, augment=False, limit=limit, only_sources=sources
    )
    images = []
    faces = load_face_boxes()
    for i, path in enumerate(photos.paths):
        l, ab = to_lab(photos[i][None])
        boxes = tuple(tuple(box) for box in faces.get(path.name, ()))
        images.append(EvalImage(path.name, l, ab, lab_to_u8(l, ab)[0], boxes))
    return images


def protocol_points(image: EvalImage, count: int, index: int, seed: int = 0) -> Hints:
    """`count` hints of side 6 for the image at `index`, drawn with the per-image seed."""
    rng = np.random.default_rng((seed, index))
    return simulate_n_hints(image.ab[0], count, rng, EVAL_PATCH)


def protocol_hints(image: EvalImage, count: int, index: int, seed: int = 0) -> HintTensors:
    """`protocol_points`, rasterised at the image's size."""
    return rasterize_hints(protocol_points(image, count, index, seed), (image.l.shape[-2], image.l.shape[-1]))


def run_protocol(
    predict: Predictor,
    images: Sequence[EvalImage],
    counts: Sequence[int] = HINT_COUNTS,
    look: OldPrintLook | None = None,
) -> dict:
    """Mean PSNR per hint count, colourfulness at the first count, and every prediction.

    Hint fidelity (`hint_fidelity`) is measured on the displayed result: the 8-bit sRGB
    image converted back to CIELAB, so colours the sRGB gamut cannot show count against it.

    Hint leak (`hint_leak`) compares the displayed result, far from every hint where the truth
    is grey, with the one at 0 hints when `counts` starts at 0 (as `training.evaluate` runs
    networks), else with grey (Levin, which needs hints).

    With `look`, the predictor sees each photo's L aged by it (seeded per photo); every score
    is taken with the clean L and the clean truth, so it measures what the look does to colour.

    At counts[0] it also measures the ab error (mean ab distance to the truth), blotches in the
    truth's flat regions (`blotch_scores`: share blotched, mean incoherent chroma) and the ab
    error on faces (`face_ab_error`, photos with stored face boxes only).

    Returns:
        {"psnr": {count: dB}, "fidelity": {count: mean ab distance} (counts > 0),
         "leak": {count: mean ab change} (counts > 0 with far grey pixels in some photo),
         "colourfulness", "false_colour" (mean share) and "border_stripes" (median ratio) at
         counts[0], "ab_error", "blotch", "incoherent_chroma", "face_error" (None without
         faces) and "faces" (photos scored) at counts[0],
         "predictions": {count: [(S,S,3) uint8 per image]}}
    """
    predictions: dict[int, list[np.ndarray]] = {n: [] for n in counts}
    psnr: dict[int, list[float]] = {n: [] for n in counts}
    fidelity: dict[int, list[float]] = {n: [] for n in counts if n > 0}
    leak: dict[int, list[float]] = {n: [] for n in counts if n > 0}
    artefacts: dict[str, list[float]] = {
        "false_colour": [],
        "border_stripes": [],
        "ab_error": [],
        "blotch": [],
        "incoherent_chroma": [],
        "face_error": [],
    }
    for index, image in enumerate(images):
        without_hints = torch.zeros_like(image.ab[0])
        l_in = image.l if look is None else look.apply(image.l, (0, index))
        for n in counts:
            points = protocol_points(image, n, index)
            hints = rasterize_hints(points, (image.l.shape[-2], image.l.shape[-1]))
            ab = predict(l_in, hints)
            rgb = lab_to_u8(image.l, ab.reshape(image.ab.shape))[0]
            psnr[n].append(float(psnr_u8(rgb, image.rgb_u8)[0]))
            predictions[n].append(rgb)
            shown = rgb_to_lab(torch.from_numpy(rgb).permute(2, 0, 1).float() / 255.0)[1:]
            if n > 0:
                fidelity[n] += hint_fidelity(shown, points)
                far = hint_leak(shown, without_hints, image.ab[0], points)
                leak[n] += [] if far is None else [far]
            else:
                without_hints = shown
            if n == counts[0]:
                artefacts["false_colour"].append(false_colour_share(shown, image.ab[0]))
                artefacts["border_stripes"].append(border_stripe_ratio(shown))
                _region_scores(artefacts, shown.numpy(), image)
    return {
        "psnr": {n: float(np.mean(v)) for n, v in psnr.items()},
        "fidelity": {n: float(np.mean(v)) for n, v in fidelity.items()},
        "leak": {n: float(np.mean(v)) for n, v in leak.items() if v},
        "colourfulness": float(np.mean(colourfulness(np.stack(predictions[counts[0]])))),
        "false_colour": float(np.mean(artefacts["false_colour"])),
        "border_stripes": float(np.median(artefacts["border_stripes"])),
        "ab_error": float(np.mean(artefacts["ab_error"])),
        "blotch": float(np.mean(artefacts["blotch"])) if artefacts["blotch"] else 0.0,
        "incoherent_chroma": float(np.mean(artefacts["incoherent_chroma"])) if artefacts["blotch"] else 0.0,
        "face_error": float(np.mean(artefacts["face_error"])) if artefacts["face_error"] else None,
        "faces": len(artefacts["face_error"]),
        "predictions": predictions,
    }


def _region_scores(artefacts: dict[str, list[float]], shown_ab: np.ndarray, image: EvalImage) -> None:
    """Append one photo's ab error, blotch scores and face error (where it has them)."""
    true_ab = image.ab[0].numpy()
    artefacts["ab_error"].append(float(np.hypot(*(shown_ab - true_ab)).mean()))
    blotch = blotch_scores(shown_ab, image.regions)
    if blotch is not None:
        artefacts["blotch"].append(blotch[0])
        artefacts["incoherent_chroma"].append(blotch[1])
    face = face_ab_error(shown_ab, true_ab, image.faces)
    if face is not None:
        artefacts["face_error"].append(face)


def ground_truth_colourfulness(images: Sequence[EvalImage]) -> float:
    return float(np.mean(colourfulness(np.stack([im.rgb_u8 for im in images]))))
