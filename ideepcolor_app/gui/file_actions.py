"""File menu work of the main window: open a photo or hints file, save the result or the session.

A *session* is the photo plus its hints. It is saved as the photo's sidecar hints file,
`<photo stem>.hints.json` beside the photo (File › Save session), or as any hints file the user
names (File › Save session as…). Opening a photo loads its sidecar automatically when there is
one; File › Open hints… loads a hints file onto the open photo (undoable).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

from ideepcolor_app.engine.colorizer import RenderRequest
from ideepcolor_app.engine.document import open_photo
from ideepcolor_app.engine.export import output_bit_depth, sidecar_hints_path
from ideepcolor_app.engine.history import ReplaceHints
from ideepcolor_app.hints import DEFAULT_NUM_BINS, HintsError, HintsFileError, load_hints, save_hints
from ideepcolor_app.imageio import ImageReadError, ImageWriteError, write_image

if TYPE_CHECKING:
    from ideepcolor_app.gui.main_window import QtMainWindow

PHOTO_FILTER = "Photos (*.jpg *.jpeg *.png *.tif *.tiff *.bmp *.webp *.gif);;All files (*)"
HINTS_FILTER = "Hints files (*.hints.json *.json)"
RESULT_FILTER = "PNG image (*.png);;JPEG image (*.jpg *.jpeg);;TIFF image, 16-bit (*.tif *.tiff)"
SAVE_ERRORS = (ImageWriteError, OSError, ValueError)


class QtFileActions:
    """Opens and saves for one main window; every failure becomes a message, never a crash."""

    def __init__(self, window: "QtMainWindow") -> None:
        self.window = window
        self.exif: bytes | None = None

    @property
    def doc(self):
        return self.window.doc

    def _settings(self):
        return self.window.app_settings

    # -- open --------------------------------------------------------------------------------

    def open_photo(self, path: Path) -> bool:
        """Open a photo (and its sidecar hints); False, with a message, if it cannot be read."""
        path = Path(path)
        try:
            opened = open_photo(path)
        except (ImageReadError, OSError, ValueError) as err:
            self.window.report_error("Cannot open photo", str(err))
            return False
        self.exif = opened.exif
        self.window.load_document(opened.l_full, opened.path, opened.hints)
        self._settings().set_folder("photo", path)
        self.window.update_recent(self._settings().add_recent_file(path))
        if opened.hints_error:
            self.window.report_error("Hints file ignored", opened.hints_error)
        else:
            loaded = " with its hints" if opened.hints is not None else ""
            self.window.statusBar().showMessage(f"Opened {path.name}{loaded}", 5000)
        return True

    def open_hints(self, path: Path) -> bool:
        """Load a hints file onto the open photo as one undoable step."""
        path = Path(path)
        try:
            hints = load_hints(path, num_bins=DEFAULT_NUM_BINS)
        except (HintsFileError, HintsError, OSError) as err:
            self.window.report_error("Cannot open hints", str(err))
            return False
        width, height = self.doc.image_size
        if (hints.width, hints.height) != (width, height):
            self.window.report_error(
                "Cannot open hints",
                f"{path.name} was made for a {hints.width}x{hints.height} photo; this photo is {width}x{height}.")
            return False
        self.window.stack.push(ReplaceHints(self.doc, hints))
        self._settings().set_folder("hints", path)
        self.window.statusBar().showMessage(f"Loaded hints from {path.name}", 5000)
        return True

    def ask_open_photo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open photo", self._settings().folder("photo"), PHOTO_FILTER)
        if path:
            self.open_photo(Path(path))

    def ask_open_hints(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open hints", self._hints_folder(), HINTS_FILTER)
        if path:
            self.open_hints(Path(path))

    def open_dropped(self, path: Path) -> bool:
        """A file dropped on the window: a hints file goes onto the photo, anything else opens."""
        if path.name.lower().endswith(".json"):
            return self.open_hints(path)
        return self.open_photo(path)

    # -- save ----------------------------------------------------------------------------------

    def session_path(self) -> Path | None:
        """Where File › Save session writes: the photo's sidecar hints file."""
        return None if self.doc.photo_path is None else sidecar_hints_path(self.doc.photo_path)

    def save_session(self, path: Path | None = None) -> bool:
        """Write the hints (every point and global hint) to `path`, default the sidecar file."""
        path = Path(path) if path is not None else self.session_path()
        if path is None:
            return self.ask_save_session()
        try:
            save_hints(self.doc.hints, path)
        except (HintsError, OSError, ValueError) as err:
            self.window.report_error("Cannot save session", str(err))
            return False
        self._settings().set_folder("hints", path)
        self.window.statusBar().showMessage(f"Saved session to {path}", 5000)
        return True

    def ask_save_session(self) -> bool:
        start = str(self.session_path() or Path(self._hints_folder()) / "untitled.hints.json")
        path, _ = QFileDialog.getSaveFileName(self.window, "Save session as", start, HINTS_FILTER)
        return self.save_session(Path(path)) if path else False

    def save_result(self, path: Path) -> bool:
        """Colourize at full resolution and write atomically; never over the input photo."""
        path = Path(path)
        protect = [] if self.doc.photo_path is None else [self.doc.photo_path]
        try:
            rgb = self.window.colorizer.render_full(RenderRequest.from_document(self.doc), output_bit_depth(path))
            write_image(path, rgb, exif=self.exif, protect=protect)
        except SAVE_ERRORS as err:
            self.window.report_error("Cannot save the result", str(err))
            return False
        except Exception as err:  # noqa: BLE001 - e.g. missing weights: report, keep the app alive
            self.window.report_error("Cannot save the result", f"{type(err).__name__}: {err}")
            return False
        self._settings().set_folder("save", path)
        self.window.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def ask_save_result(self) -> None:
        folder = Path(self._settings().folder("save") or (self.doc.photo_path or Path.home()).parent)
        stem = self.doc.photo_path.stem if self.doc.photo_path else "colourized"
        path, chosen = QFileDialog.getSaveFileName(self.window, "Save colourized photo",
                                                   str(folder / f"{stem}_colour.png"), RESULT_FILTER)
        if path:
            path = Path(path)
            if not path.suffix:
                path = path.with_suffix(".jpg" if "JPEG" in chosen else ".tif" if "TIFF" in chosen else ".png")
            self.save_result(path)

    def _hints_folder(self) -> str:
        folder = self._settings().folder("hints")
        if not folder and self.doc.photo_path is not None:
            folder = str(self.doc.photo_path.parent)
        return folder
