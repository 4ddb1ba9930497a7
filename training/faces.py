"""Faces in the evaluation photos, found once on the truth with OpenCV's Haar cascade.

    python -m training.faces --photos ../shared/data/photos   # rewrites training/face_boxes.json

The face measure (`training.region_metrics.face_ab_error`) needs to know where the faces are.
They are detected on the colour truth (never on a result), with OpenCV's frontal-face Haar
cascade (`haarcascade_frontalface_default.xml` from `cv2.data.haarcascades`). OpenCV 5 no
longer ships the cascades in opencv-python-headless, so the boxes found with OpenCV 4 are
stored in `face_boxes.json` (as fractions of each photo's width and height), and every
evaluation reads them from there: the measure is the same whatever OpenCV is installed.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import torch

from ideepcolor_app.atomic import atomic_write_bytes
from ideepcolor_app.color import rgb_to_lab
from training.data import list_photos, load_photo_u8
from training.held_out import ALL_HELD_OUT

logger = logging.getLogger(__name__)

#: The stored boxes: {"detector": ..., "photos": {file name: [[x0, y0, x1, y1], ...]}}.
FACE_BOXES = Path(__file__).with_name("face_boxes.json")
CASCADE = "haarcascade_frontalface_default.xml"
#: A second frontal cascade that must find the same face: either alone finds faces in bark,
#: towers and food; together they keep the real ones.
CONFIRM_CASCADE = "haarcascade_frontalface_alt2.xml"
#: Intersection over union above which the two cascades' boxes are the same face.
CONFIRM_IOU = 0.4
#: Neighbours the confirming cascade needs (it only confirms, so it may be looser).
CONFIRM_NEIGHBOURS = 2
#: Short side the truth is detected at (boxes are stored as fractions, so any size maps).
DETECT_SIDE = 512
#: The detector's settings: neighbours needed (higher finds fewer false faces) and the
#: smallest face as a share of the short side (smaller ones are too small to score).
MIN_NEIGHBOURS = 6
MIN_FACE_SHARE = 0.06

#: Photos whose only detection was checked by eye and is no face (a ball's logo, a plate of food).
NOT_FACES = ("gcompris_categorization_others_volleyball.jpg", "qtwebengine_steak.jpg")


class FaceDetectorMissing(RuntimeError):
    """The installed OpenCV has no Haar cascade classifier (OpenCV 5 moved it out)."""


def detect_faces(rgb_u8: np.ndarray) -> list[tuple[float, float, float, float]]:
    """Frontal faces of an (H,W,3) uint8 sRGB photo, as (x0, y0, x1, y1) fractions.

    Raises:
        FaceDetectorMissing: OpenCV without `CascadeClassifier` or without its cascades.
    """
    import cv2

    folder = getattr(getattr(cv2, "data", None), "haarcascades", None)
    files = [Path(folder or ".") / name for name in (CASCADE, CONFIRM_CASCADE)]
    if not hasattr(cv2, "CascadeClassifier") or folder is None or not all(f.is_file() for f in files):
        raise FaceDetectorMissing(
            f"OpenCV {cv2.__version__} has no Haar face cascade; detect with OpenCV 4 "
            "(opencv-python-headless<5), or use the stored boxes in training/face_boxes.json"
        )
    grey = cv2.equalizeHist(cv2.cvtColor(np.ascontiguousarray(rgb_u8), cv2.COLOR_RGB2GRAY))
    h, w = grey.shape
    side = max(12, int(MIN_FACE_SHARE * min(h, w)))
    found, confirm = (
        np.reshape(
            cv2.CascadeClassifier(str(f)).detectMultiScale(grey, scaleFactor=1.1, minNeighbors=n, minSize=(side, side)),
            (-1, 4),
        )
        for f, n in zip(files, (MIN_NEIGHBOURS, CONFIRM_NEIGHBOURS), strict=True)
    )
    boxes = [
        (x / w, y / h, (x + bw) / w, (y + bh) / h)
        for x, y, bw, bh in found
        if any(box_iou((x, y, bw, bh), other) > CONFIRM_IOU for other in confirm)
    ]
    return [box for box in boxes if is_skin(rgb_u8, box)]


def is_skin(rgb_u8: np.ndarray, box: tuple[float, float, float, float]) -> bool:
    """Whether the middle of a box has the truth colour of skin: chroma 6-45 ab units at a
    hue of 20-85 degrees (pinks to tans), so grey fur, a blue ball or a screen drop out."""
    h, w = rgb_u8.shape[:2]
    x0, y0, x1, y1 = box
    cx, cy, rx, ry = (x0 + x1) / 2 * w, (y0 + y1) / 2 * h, (x1 - x0) * w * 0.2, (y1 - y0) * h * 0.2
    core = rgb_u8[int(cy - ry) : int(cy + ry) + 1, int(cx - rx) : int(cx + rx) + 1]
    tensor = torch.from_numpy(np.ascontiguousarray(core)).permute(2, 0, 1).float() / 255.0
    a, b = (float(c) for c in rgb_to_lab(tensor)[1:].mean(dim=(1, 2)))
    return 6.0 <= math.hypot(a, b) <= 45.0 and 20.0 <= math.degrees(math.atan2(b, a)) <= 85.0


def box_iou(a, b) -> float:
    """Intersection over union of two (x, y, width, height) boxes.

    Example:
        >>> box_iou((0, 0, 4, 4), (2, 0, 4, 4))  # overlap 8, union 24
        0.3333333333333333
    """
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return float(inter / (a[2] * a[3] + b[2] * b[3] - inter)) if inter > 0 else 0.0


def load_face_boxes(path: Path = FACE_BOXES) -> dict[str, list[list[float]]]:
    """File name -> face boxes, from the stored file (empty if there is none)."""
    if not path.is_file():
        return {}
    return json.loads(path.read_text())["photos"]


def detect_all(paths: Iterable[Path]) -> dict[str, list[list[float]]]:
    """File name -> boxes (rounded to 4 decimals) for each photo, detected on its truth."""
    found = {}
    for path in paths:
        boxes = [] if path.name in NOT_FACES else detect_faces(load_photo_u8(path, DETECT_SIDE))
        found[path.name] = [[round(float(v), 4) for v in box] for box in boxes]
        logger.info("%s: %d face(s)", path.name, len(boxes))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--photos",
        type=Path,
        default=Path("../shared/data/photos"),
        help="the corpus (val/, train/, MANIFEST.csv, PEOPLE.txt)",
    )
    parser.add_argument("--out", type=Path, default=FACE_BOXES)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    import cv2

    # Val, the held-out sources, and the train photos listed as showing people.
    paths = list_photos([args.photos / "val"])
    paths += list_photos([args.photos / "train"], only_sources=ALL_HELD_OUT)
    people = args.photos / "PEOPLE.txt"
    if people.is_file():
        paths += [args.photos / line.strip() for line in people.read_text().splitlines() if line.strip()]
    unique = sorted(set(paths), key=lambda p: p.name)
    photos = detect_all(unique)
    record = {
        "detector": f"OpenCV {cv2.__version__} {CASCADE}, truth at short side {DETECT_SIDE}, "
        f"histogram equalised, scale 1.1, {MIN_NEIGHBOURS} neighbours, "
        f"faces of at least {MIN_FACE_SHARE:.0%} of the short side, confirmed by "
        f"{CONFIRM_CASCADE} ({CONFIRM_NEIGHBOURS} neighbours) and skin colour; "
        f"rejected by eye: {', '.join(NOT_FACES)}",
        "photos": photos,
    }
    atomic_write_bytes(args.out, (json.dumps(record, indent=1) + "\n").encode())
    with_faces = sum(bool(v) for v in photos.values())
    print(f"{len(photos)} photos, {with_faces} with faces; wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
