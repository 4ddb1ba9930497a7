"""Photos for training: decoded once, cropped at random per step, converted to CIELAB in torch.

Every random choice of a training step is a function of (seed, step, rank, slot), so a run
resumed from a checkpoint draws exactly the batches it would have drawn, and the data loader
may use any number of worker processes without changing the result.
"""

from __future__ import annotations

import csv
import logging
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch.utils.data import DataLoader, Dataset

from ideepcolor_app.color import rgb_to_lab
from ideepcolor_app.engine.batch import find_photos
from ideepcolor_app.imageio import ImageReadError, read_photo

logger = logging.getLogger(__name__)

MANIFEST = "MANIFEST.csv"


def manifest_column(folder: Path, column: str) -> dict[str, str]:
    """Resolved photo path -> one column of the MANIFEST.csv in or above `folder`.

    The corpus keeps one manifest beside its split folders, with paths relative to it. A
    folder without a manifest gives an empty mapping (nothing is known about its photos).
    """
    for root in (folder, folder.parent):
        manifest = root / MANIFEST
        if manifest.is_file():
            with manifest.open(newline="", encoding="utf-8") as f:
                return {str((root / row["file"]).resolve()): row[column] for row in csv.DictReader(f)}
    return {}


def photo_sources(folder: Path) -> dict[str, str]:
    """Resolved photo path -> `source_package`, from the MANIFEST.csv in or above `folder`."""
    return manifest_column(folder, "source_package")


def list_photos(
    folders: Sequence[str | Path], exclude_sources: Sequence[str] = (), only_sources: Sequence[str] = ()
) -> list[Path]:
    """Every photo under the folders (recursively), found as `ideepcolor batch` finds them.

    Args:
        exclude_sources: leave out photos whose manifest `source_package` is one of these
            (whole sources held out for validation).
        only_sources: if given, keep only photos from these sources.
    """
    found: list[Path] = []
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            raise FileNotFoundError(f"no such photo folder: {folder}")
        photos = find_photos(folder, recursive=True)
        if exclude_sources or only_sources:
            sources = photo_sources(folder)
            source_of = lambda p, sources=sources: sources.get(str(p.resolve()), "")  # noqa: E731
            photos = [
                p
                for p in photos
                if source_of(p) not in exclude_sources and (not only_sources or source_of(p) in only_sources)
            ]
        found += photos
    return found


def mean_chroma(rgb_u8: np.ndarray) -> float:
    """Mean CIELAB chroma sqrt(a^2 + b^2) of an (H,W,3) uint8 image (on a thumbnail)."""
    small = torch.from_numpy(np.ascontiguousarray(rgb_u8[::4, ::4])).permute(2, 0, 1).float() / 255
    ab = rgb_to_lab(small)[1:]
    return float(ab.square().sum(0).sqrt().mean())


def load_photo_u8(path: Path, short_side: int) -> np.ndarray:
    """Decode a photo (any format the app reads) to (H,W,3) uint8, short side <= `short_side`."""
    rgb = np.clip(read_photo(path).rgb * 255.0 + 0.5, 0, 255).astype(np.uint8)
    h, w = rgb.shape[:2]
    scale = short_side / min(h, w)
    if scale < 1.0:
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        rgb = np.array(Image.fromarray(rgb).resize(size, Image.Resampling.LANCZOS))
    return rgb


@dataclass(frozen=True)
class CropKey:
    """What one sample of one step is: a photo and the random draw that crops it."""

    index: int
    seed: tuple[int, ...]


class PhotoCrops(Dataset):
    """Random resized crops (with horizontal flips) of a folder of colour photos.

    Photos whose mean chroma is below `min_chroma` are skipped (a grayscale photo teaches
    nothing), as are unreadable files (logged).

    Args:
        folders: photo folders (searched recursively).
        crop_size: side of the square crops.
        cache_short_side: photos are kept in memory downscaled to this short side.
        min_crop_scale: smallest crop area as a fraction of the photo's.
        augment: False: the whole photo squashed to crop_size (evaluation protocol).
        exclude_sources, only_sources: filter by the corpus manifest (see `list_photos`).
    """

    def __init__(
        self,
        folders: Sequence[str | Path],
        crop_size: int = 128,
        cache_short_side: int = 256,
        min_crop_scale: float = 0.3,
        min_chroma: float = 3.0,
        augment: bool = True,
        limit: int | None = None,
        exclude_sources: Sequence[str] = (),
        only_sources: Sequence[str] = (),
    ):
        self.crop_size, self.min_crop_scale, self.augment = crop_size, min_crop_scale, augment
        self.paths: list[Path] = []
        self.photos: list[np.ndarray] = []
        for path in list_photos(folders, exclude_sources, only_sources):
            if limit is not None and len(self.photos) >= limit:
                break
            try:
                rgb = load_photo_u8(path, cache_short_side)
            except ImageReadError as err:
                logger.warning("skipping %s: %s", path, err)
                continue
            if mean_chroma(rgb) < min_chroma:
                logger.info("skipping near-grayscale %s", path)
                continue
            self.paths.append(path)
            self.photos.append(rgb)
        if not self.photos:
            raise ValueError(f"no usable colour photos in {', '.join(map(str, folders))}")

    def __len__(self) -> int:
        return len(self.photos)

    def __getitem__(self, key: CropKey | int) -> torch.Tensor:
        """Return (3,S,S) float32 sRGB in [0, 1]."""
        if isinstance(key, int):
            key = CropKey(key, (key,))
        rgb = torch.from_numpy(self.photos[key.index]).permute(2, 0, 1).float() / 255.0
        if self.augment:
            rgb = self._random_crop(rgb, np.random.default_rng(key.seed))
        return F.interpolate(
            rgb[None], size=(self.crop_size, self.crop_size), mode="bilinear", antialias=True, align_corners=False
        )[0].clamp_(0.0, 1.0)

    def _random_crop(self, rgb: torch.Tensor, rng: np.random.Generator) -> torch.Tensor:
        _, h, w = rgb.shape
        area = h * w * rng.uniform(self.min_crop_scale, 1.0)
        ratio = math.exp(rng.uniform(math.log(3 / 4), math.log(4 / 3)))
        ch = min(h, max(8, round(math.sqrt(area / ratio))))
        cw = min(w, max(8, round(math.sqrt(area * ratio))))
        top, left = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
        crop = rgb[:, top : top + ch, left : left + cw]
        return crop.flip(-1) if rng.random() < 0.5 else crop


class StepBatches:
    """Batch sampler: the indices and crop seeds of steps `start`, `start + 1`, ... .

    Each rank of a distributed run draws its own batch from (seed, step, rank).
    """

    def __init__(self, num_photos: int, batch_size: int, seed: int, start: int, stop: int, rank: int = 0):
        self.num_photos, self.batch_size, self.seed = num_photos, batch_size, seed
        self.start, self.stop, self.rank = start, stop, rank

    def __len__(self) -> int:
        return max(0, self.stop - self.start)

    def __iter__(self) -> Iterator[list[CropKey]]:
        for step in range(self.start, self.stop):
            rng = np.random.default_rng((self.seed, step, self.rank))
            indices = rng.choice(self.num_photos, self.batch_size, replace=self.batch_size > self.num_photos)
            yield [CropKey(int(i), (self.seed, step, self.rank, slot)) for slot, i in enumerate(indices)]


def step_loader(
    dataset: PhotoCrops, batch_size: int, seed: int, start: int, stop: int, rank: int = 0, num_workers: int = 0
) -> DataLoader:
    """A loader yielding (B,3,S,S) sRGB batches for steps start..stop-1 (resumable exactly)."""
    sampler = StepBatches(len(dataset), batch_size, seed, start, stop, rank)
    return DataLoader(
        dataset, batch_sampler=sampler, num_workers=num_workers, persistent_workers=False, pin_memory=False
    )


def to_lab(rgb: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Split (B,3,H,W) sRGB in [0, 1] into L (B,1,H,W) and ab (B,2,H,W), CIELAB units."""
    lab = rgb_to_lab(rgb)
    return lab[:, :1], lab[:, 1:]


# -- old-photo degradations (of the network's L input only; the target ab stays clean) -------


def add_grain(l: torch.Tensor, sigma: float, rng: np.random.Generator) -> torch.Tensor:
    """Film grain: Gaussian noise of `sigma` L units, clumped over about 2 px. l: (1,H,W)."""
    noise = torch.from_numpy(rng.standard_normal(l.shape).astype(np.float32)).to(l.device)
    clumped = F.avg_pool2d(noise[None], 3, stride=1, padding=1, count_include_pad=False)[0]
    return (l + sigma * clumped / clumped.std().clamp_min(1e-6)).clamp(0.0, 100.0)


def blur(l: torch.Tensor, sigma: float) -> torch.Tensor:
    """Gaussian blur of `sigma` px (a soft lens or scan), edges replicated. l: (1,H,W)."""
    radius = max(1, math.ceil(2.5 * sigma))
    x = torch.arange(-radius, radius + 1, dtype=l.dtype, device=l.device)
    kernel = torch.exp(-0.5 * (x / sigma) ** 2)
    kernel = kernel / kernel.sum()
    out = F.pad(l[None], (radius, radius, radius, radius), mode="replicate")
    out = F.conv2d(out, kernel.view(1, 1, 1, -1))
    return F.conv2d(out, kernel.view(1, 1, -1, 1))[0]


def jpeg(l: torch.Tensor, quality: int) -> torch.Tensor:
    """Round trip through a grey 8-bit JPEG of `quality` (block artefacts). l: (1,H,W)."""
    import io

    grey = (l[0].clamp(0.0, 100.0) * 2.55 + 0.5).to(torch.uint8).cpu().numpy()
    buffer = io.BytesIO()
    Image.fromarray(grey).save(buffer, format="JPEG", quality=int(quality))
    decoded = np.asarray(Image.open(buffer), dtype=np.float32) / 2.55
    return torch.from_numpy(decoded)[None].to(l.device, l.dtype)


def fade(l: torch.Tensor, black: float, white: float) -> torch.Tensor:
    """Faded contrast: [0, 100] mapped linearly onto [black, white]. l: (1,H,W)."""
    return black + l * (white - black) / 100.0


def tone_curve(l: torch.Tensor, gamma: float) -> torch.Tensor:
    """A toned print (sepia, selenium) turned grey: its tones follow a curve, not a line. l: (1,H,W)."""
    return 100.0 * (l.clamp(0.0, 100.0) / 100.0) ** gamma


def vignette(l: torch.Tensor, strength: float, rng: np.random.Generator) -> torch.Tensor:
    """Corners darker than the centre by up to `strength` of L, about an off-centre point. l: (1,H,W)."""
    _, height, width = l.shape
    cy, cx = rng.uniform(0.35, 0.65) * height, rng.uniform(0.35, 0.65) * width
    yy = torch.arange(height, dtype=l.dtype, device=l.device)[:, None]
    xx = torch.arange(width, dtype=l.dtype, device=l.device)[None, :]
    r2 = ((yy - cy) / height) ** 2 + ((xx - cx) / width) ** 2
    return l * (1.0 - strength * (r2 / 0.5).clamp(max=1.0))


def paper_texture(l: torch.Tensor, amount: float, rng: np.random.Generator) -> torch.Tensor:
    """Mottled paper: smooth blotches of `amount` L units over 8-40 px, plus fine fibre. l: (1,H,W)."""
    _, height, width = l.shape
    scale = rng.uniform(8.0, 40.0)
    coarse = torch.from_numpy(
        rng.standard_normal((1, 1, int(height / scale) + 2, int(width / scale) + 2)).astype(np.float32)
    ).to(l.device)
    mottle = F.interpolate(coarse, size=(height, width), mode="bicubic", align_corners=False)[0]
    fibre = torch.from_numpy(rng.standard_normal(l.shape).astype(np.float32)).to(l.device)
    fibre = F.avg_pool2d(fibre[None], (1, 5), stride=1, padding=(0, 2), count_include_pad=False)[0]
    return (l + amount * (mottle / mottle.std().clamp_min(1e-6) + 0.3 * fibre)).clamp(0.0, 100.0)


def halftone(l: torch.Tensor, period: float, rng: np.random.Generator) -> torch.Tensor:
    """A printed (newspaper, book) photo: a screen of `period` px at a random angle, softened
    as a scan of it is. l: (1,H,W)."""
    _, height, width = l.shape
    angle = rng.uniform(0.0, math.pi / 2)
    yy = torch.arange(height, dtype=l.dtype, device=l.device)[:, None]
    xx = torch.arange(width, dtype=l.dtype, device=l.device)[None, :]
    u = (xx * math.cos(angle) + yy * math.sin(angle)) * (2 * math.pi / period)
    v = (-xx * math.sin(angle) + yy * math.cos(angle)) * (2 * math.pi / period)
    screen = 50.0 + 25.0 * (torch.cos(u) + torch.cos(v))  # dot threshold in [0, 100]
    dots = torch.sigmoid((l - screen) / 6.0) * 100.0
    return blur(dots, period / 5.0)


def print_damage(l: torch.Tensor, rng: np.random.Generator) -> torch.Tensor:
    """The restoration's damage model (cracks, flakes, stains, ...) on L. l: (1,H,W)."""
    from training.print_damage import random_damage  # numpy and OpenCV, only when asked for

    damaged, _ = random_damage((l[0].clamp(0.0, 100.0) / 100.0).cpu().numpy().astype(np.float32), rng)
    return torch.from_numpy(damaged * np.float32(100.0))[None].to(l.device, l.dtype)


def degrade_old_photo(
    l: torch.Tensor, ab: torch.Tensor, p: float, rng: np.random.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """Make a batch's L look like a scanned old photo; ab is returned untouched.

    Each sample independently gets each degradation with probability `p` (the rarer ones
    with `p` / 4), in the order a print ages, is scanned and is saved: a toned print's curve
    (gamma 0.75-1.35), paper texture (1-4 L units), halftone screen (period 3-6 px; p / 4),
    the restoration's damage model (p / 4), vignetting (up to 35 %), faded contrast (black
    0-25, white 75-100), blur (sigma 0.5-1.5 px), grain (sigma 1-5 L units), JPEG (quality
    20-70). The network learns to colour such inputs as it colours clean ones.

    Args:
        l: (B,1,H,W) float32 CIELAB L in [0, 100].
        ab: (B,2,H,W) the target; returned as is.
        p: probability of each degradation; 0 returns `l` itself.
        rng: the step's generator (see `StepBatches`), so a resumed run degrades alike.
    Returns:
        (degraded l, ab).
    """
    if p <= 0.0:
        return l, ab
    out = []
    for sample in l:
        if rng.random() < p:
            sample = tone_curve(sample, rng.uniform(0.75, 1.35))
        if rng.random() < p:
            sample = paper_texture(sample, rng.uniform(1.0, 4.0), rng)
        if rng.random() < p / 4:
            sample = halftone(sample, rng.uniform(3.0, 6.0), rng)
        if rng.random() < p / 4:
            sample = print_damage(sample, rng)
        if rng.random() < p:
            sample = vignette(sample, rng.uniform(0.05, 0.35), rng)
        if rng.random() < p:
            sample = fade(sample, rng.uniform(0.0, 25.0), rng.uniform(75.0, 100.0))
        if rng.random() < p:
            sample = blur(sample, rng.uniform(0.5, 1.5))
        if rng.random() < p:
            sample = add_grain(sample, rng.uniform(1.0, 5.0), rng)
        if rng.random() < p:
            sample = jpeg(sample, int(rng.integers(20, 71)))
        out.append(sample)
    return torch.stack(out), ab
