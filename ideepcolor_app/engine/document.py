"""The document the app edits: one photo, its hints and the render settings. Plain Python, no Qt.

Widgets never write here directly: user edits are `Command`s on an `UndoStack`
(`ideepcolor_app.engine.history`), settings (backend, temperature) go through the setters.
Every setter compares the old and new value and emits only on a real change.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ideepcolor_app.color import rgb_to_l_np
from ideepcolor_app.engine.backends import BACKENDS, DEFAULT_BACKEND
from ideepcolor_app.engine.export import sidecar_hints_path
from ideepcolor_app.engine.session import DEFAULT_TEMPERATURE, DEFAULT_WORKING_SIZE
from ideepcolor_app.hints import (
    DEFAULT_NUM_BINS,
    ColourStroke,
    GlobalHints,
    HintPoint,
    Hints,
    HintsError,
    HintsFileError,
    load_hints,
)
from ideepcolor_app.hints.model import MAX_PATCH_SIZE, MIN_PATCH_SIZE
from ideepcolor_app.imageio import read_photo
from ideepcolor_app.restore import RestoreOptions

_photo_tokens = itertools.count(1)


class Event:
    """A list of callbacks called with the new value; a tiny stand-in for psygnal's SignalInstance.

    Kept rather than depending on psygnal: the document needs only
    connect / disconnect / emit / blocked, which this class gives in 30 lines, with the same
    names as psygnal's, so that a later switch is a change of this class alone.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._callbacks: list[Callable[..., Any]] = []
        self._blocked = 0

    def connect(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable[..., Any]) -> None:
        self._callbacks.remove(callback)

    def emit(self, *args: Any) -> None:
        if self._blocked:
            return
        for callback in list(self._callbacks):
            callback(*args)

    @contextlib.contextmanager
    def blocked(self) -> Iterator[None]:
        self._blocked += 1
        try:
            yield
        finally:
            self._blocked -= 1


class DocumentEvents:
    """The events of a `Document`, one per field; each carries the field's new value.

    photo: (path | None) a photo was opened (hints, selection, global store and the colour of
        new points are reset too).
    hints: (Hints) any local or global hint, or a damage stroke, changed.
    selected: (int | None) the selected point index changed.
    selected_stroke: (int | None) the selected colour stroke index changed (a point and a
        stroke are never selected together).
    current_ab: (tuple[float, float] | None) the colour new points take changed.
    patch_size: (int) the patch side new points take changed.
    global_store: (GlobalHints) the remembered reference histogram / saturation changed.
    backend_name: (str), temperature: (float), working_size: (int): render settings changed.
    modified: (bool) the hints started or stopped differing from the saved ones.
    lightness: (RestoreOptions | None) the photo's L was replaced by a restored one (or the
        original again, None); the hints stay.
    changed: (int) emitted once after any change that needs a new render, with the new generation
        (not for damage strokes alone: they change the render through the restored `lightness`).
    """

    NAMES = (
        "photo",
        "hints",
        "selected",
        "selected_stroke",
        "current_ab",
        "patch_size",
        "global_store",
        "backend_name",
        "temperature",
        "working_size",
        "modified",
        "lightness",
        "changed",
    )

    def __init__(self) -> None:
        self.photo = Event("photo")
        self.hints = Event("hints")
        self.selected = Event("selected")
        self.selected_stroke = Event("selected_stroke")
        self.current_ab = Event("current_ab")
        self.patch_size = Event("patch_size")
        self.global_store = Event("global_store")
        self.backend_name = Event("backend_name")
        self.temperature = Event("temperature")
        self.working_size = Event("working_size")
        self.modified = Event("modified")
        self.lightness = Event("lightness")
        self.changed = Event("changed")
        assert all(isinstance(getattr(self, name), Event) for name in self.NAMES)


class Document:
    """One photo being colourized.

    Attributes:
        photo_path: the photo file, or None for a photo made in memory.
        l_full: (H,W) float32 read-only CIELAB L in [0, 100] at full resolution: the one shown,
            colourized and exported (the restored one while restoration is on).
        original_l: the photo's own L as opened (`l_full` when nothing is restored).
        restore: the `RestoreOptions` `l_full` was restored with, or None.
        photo_token: a number that changes whenever another photo is opened or its L changes.
        hints: the local and global hints and the damage strokes (`Hints`, sized to the photo).
        selected: index of the selected point, or None.
        selected_stroke: index of the selected colour stroke, or None (never both selected).
        current_ab: the CIELAB ab new points take, or None (then a new point takes the colour
            predicted at its pixel).
        patch_size: patch side (1-9) new points take.
        global_store: the reference histogram and saturation the user last set, remembered
            while the hint itself is switched off (so switching it on again restores it).
        backend_name, temperature, working_size: render settings.
        generation: increases by one on every change that needs a new render.
        saved_hints: the hints as last opened or saved; `modified` compares against them.

    Events: see `DocumentEvents` (``doc.events.hints.connect(callback)``).
    """

    def __init__(
        self,
        l_full: np.ndarray,
        photo_path: Path | None = None,
        hints: Hints | None = None,
        backend_name: str = DEFAULT_BACKEND,
        temperature: float = DEFAULT_TEMPERATURE,
        working_size: int = DEFAULT_WORKING_SIZE,
    ) -> None:
        self.events = DocumentEvents()
        self.backend_name = _check_backend(backend_name)
        self.temperature = float(temperature)
        self.working_size = int(working_size)
        self.current_ab: tuple[float, float] | None = None
        self.patch_size = 3
        self.generation = 0
        self._load(l_full, photo_path, hints)

    # -- photo ---------------------------------------------------------------------------

    def _load(self, l_full: np.ndarray, photo_path: Path | None, hints: Hints | None) -> None:
        l_full = np.array(l_full, dtype=np.float32)
        if l_full.ndim != 2:
            raise ValueError(f"l_full must be (H, W), got shape {l_full.shape}")
        l_full.flags.writeable = False
        self.l_full = l_full
        self.original_l = l_full
        self.restore: RestoreOptions | None = None
        self.photo_path = None if photo_path is None else Path(photo_path)
        self.photo_token = next(_photo_tokens)
        height, width = l_full.shape
        hints = hints if hints is not None else Hints(width, height)
        if (hints.width, hints.height) != (width, height):
            raise ValueError(
                f"the hints were made for a {hints.width}x{hints.height} photo, this photo is {width}x{height}"
            )
        self.hints = hints
        self.saved_hints = hints
        self.selected: int | None = None
        self.selected_stroke: int | None = None
        self.global_store = hints.global_hints

    def set_photo(self, l_full: np.ndarray, photo_path: Path | None = None, hints: Hints | None = None) -> None:
        """Open another photo (with its hints, or none); always a change.

        New points on the new photo take the predicted colour until the user picks one.
        """
        was_modified = self.modified
        self._load(l_full, photo_path, hints)
        self.events.photo.emit(self.photo_path)
        self.events.hints.emit(self.hints)
        self.events.selected.emit(None)
        self.events.selected_stroke.emit(None)
        self.events.global_store.emit(self.global_store)
        self.set_current_ab(None)
        if was_modified:
            self.events.modified.emit(False)
        self._bump()

    def set_lightness(self, l_full: np.ndarray, restore: RestoreOptions | None = None) -> None:
        """Colourize another L of the same photo: a restored one (with its `RestoreOptions`),
        or `original_l` again (restore None). Hints and settings stay; renders start anew.

        Raises:
            ValueError: `l_full` is not the photo's shape.
        """
        if l_full is not self.original_l:
            l_full = np.array(l_full, dtype=np.float32)
            l_full.flags.writeable = False
        if l_full.shape != self.original_l.shape:
            raise ValueError(f"the lightness must be {self.original_l.shape}, got {l_full.shape}")
        if l_full is self.l_full and restore == self.restore:
            return
        self.l_full, self.restore = l_full, restore
        self.photo_token = next(_photo_tokens)  # what renders are cached under
        self.events.lightness.emit(restore)
        self._bump()

    @property
    def modified(self) -> bool:
        """True when the hints differ from those last opened or saved."""
        return self.hints != self.saved_hints

    def mark_saved(self, hints: Hints | None = None) -> None:
        """Record `hints` (default: the current ones) as what is saved on disk."""
        was_modified = self.modified
        self.saved_hints = self.hints if hints is None else hints
        if self.modified != was_modified:
            self.events.modified.emit(self.modified)

    @property
    def image_size(self) -> tuple[int, int]:
        """(width, height) of the photo in pixels."""
        return int(self.l_full.shape[1]), int(self.l_full.shape[0])

    def lightness_at(self, x: float, y: float) -> float:
        """CIELAB L of the pixel under image point (x, y) (clamped into the photo)."""
        width, height = self.image_size
        col = min(width - 1, max(0, int(x)))
        row = min(height - 1, max(0, int(y)))
        return float(self.l_full[row, col])

    def contains(self, x: float, y: float) -> bool:
        width, height = self.image_size
        return 0.0 <= x < width and 0.0 <= y < height

    def clamp_point(self, x: float, y: float) -> tuple[float, float]:
        """The nearest position inside the photo (points must satisfy 0 <= x < width)."""
        width, height = self.image_size
        return (min(max(float(x), 0.0), np.nextafter(width, 0.0)), min(max(float(y), 0.0), np.nextafter(height, 0.0)))

    @property
    def selected_point(self) -> HintPoint | None:
        return None if self.selected is None else self.hints.points[self.selected]

    @property
    def selected_colour_stroke(self) -> ColourStroke | None:
        return None if self.selected_stroke is None else self.hints.strokes[self.selected_stroke]

    # -- fields (emit only on a real change) ---------------------------------------------

    def set_hints(self, hints: Hints) -> None:
        if (hints.width, hints.height) != self.image_size:
            raise ValueError(
                f"hints for a {hints.width}x{hints.height} photo, this one is {self.image_size[0]}x{self.image_size[1]}"
            )
        if hints == self.hints:
            return
        was_modified, old = self.modified, self.hints
        self.hints = hints
        if self.selected is not None and self.selected >= len(hints.points):
            self.set_selected(None)
        if self.selected_stroke is not None and self.selected_stroke >= len(hints.strokes):
            self.set_selected_stroke(None)
        colour_changed = hints.with_damage_strokes(()) != old.with_damage_strokes(())
        self.events.hints.emit(hints)
        if self.modified != was_modified:
            self.events.modified.emit(self.modified)
        if colour_changed:  # damage strokes alone change the restored L, which bumps by itself
            self._bump()

    def set_selected(self, index: int | None) -> None:
        if index is not None and not 0 <= index < len(self.hints.points):
            raise IndexError(f"no point {index} (there are {len(self.hints.points)})")
        if index is not None:
            self.set_selected_stroke(None)
        if index != self.selected:
            self.selected = index
            self.events.selected.emit(index)

    def set_selected_stroke(self, index: int | None) -> None:
        """Select colour stroke `index` (a selected point is deselected), or none."""
        if index is not None and not 0 <= index < len(self.hints.strokes):
            raise IndexError(f"no stroke {index} (there are {len(self.hints.strokes)})")
        if index is not None:
            self.set_selected(None)
        if index != self.selected_stroke:
            self.selected_stroke = index
            self.events.selected_stroke.emit(index)

    def set_current_ab(self, ab: tuple[float, float] | None) -> None:
        ab = None if ab is None else (float(ab[0]), float(ab[1]))
        if ab != self.current_ab:
            self.current_ab = ab
            self.events.current_ab.emit(ab)

    def set_patch_size(self, size: int) -> None:
        if not MIN_PATCH_SIZE <= int(size) <= MAX_PATCH_SIZE:
            raise ValueError(f"patch size must be from {MIN_PATCH_SIZE} to {MAX_PATCH_SIZE}, got {size}")
        if int(size) != self.patch_size:
            self.patch_size = int(size)
            self.events.patch_size.emit(self.patch_size)

    def set_global_store(self, store: GlobalHints) -> None:
        if store != self.global_store:
            self.global_store = store
            self.events.global_store.emit(store)

    def set_backend_name(self, name: str) -> None:
        name = _check_backend(name)
        if name != self.backend_name:
            self.backend_name = name
            self.events.backend_name.emit(name)
            self._bump()

    def set_temperature(self, temperature: float) -> None:
        temperature = float(temperature)
        if not temperature > 0:
            raise ValueError(f"temperature must be positive, got {temperature}")
        if temperature != self.temperature:
            self.temperature = temperature
            self.events.temperature.emit(temperature)
            self._bump()

    def set_working_size(self, size: int) -> None:
        if int(size) < 1:
            raise ValueError(f"working size must be positive, got {size}")
        if int(size) != self.working_size:
            self.working_size = int(size)
            self.events.working_size.emit(self.working_size)
            self._bump()

    def _bump(self) -> None:
        self.generation += 1
        self.events.changed.emit(self.generation)

    def state(self) -> tuple[int, Hints, int | None, int | None, GlobalHints]:
        """Everything an undoable edit may change, for comparing documents in tests."""
        return (self.photo_token, self.hints, self.selected, self.selected_stroke, self.global_store)


def _check_backend(name: str) -> str:
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; choose one of: {', '.join(BACKENDS)}")
    return name


@dataclass(frozen=True, eq=False)
class OpenedPhoto:
    """A photo read for the app: its L, EXIF, and the hints of its sidecar file if it has one.

    Attributes:
        path: the photo file.
        l_full: (H,W) float32 CIELAB L in [0, 100].
        exif: raw EXIF block to copy into saved results, or None.
        hints: the sidecar `<stem>.hints.json`, if present and valid; else None.
        hints_error: why a present sidecar could not be used, or None.
    """

    path: Path
    l_full: np.ndarray
    exif: bytes | None
    hints: Hints | None
    hints_error: str | None


def open_photo(path: Path) -> OpenedPhoto:
    """Read a photo and its sidecar hints file.

    Raises:
        ImageReadError: the photo cannot be read (a bad sidecar is reported in `hints_error`).
    """
    path = Path(path)
    photo = read_photo(path)
    l_full = rgb_to_l_np(photo.rgb)
    height, width = l_full.shape
    hints, error = None, None
    sidecar = sidecar_hints_path(path)
    if sidecar.is_file():
        try:
            hints = load_hints(sidecar, num_bins=DEFAULT_NUM_BINS)
        except (HintsError, HintsFileError, OSError) as err:
            error = str(err)
        else:
            if (hints.width, hints.height) != (width, height):
                error = (
                    f"{sidecar.name}: the hints were made for a {hints.width}x{hints.height} photo, "
                    f"this photo is {width}x{height}"
                )
                hints = None
    return OpenedPhoto(path, l_full, photo.exif, hints, error)
