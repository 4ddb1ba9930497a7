"""File menu work of the main window: open a photo or hints file, save the result or the session.

A *session* is the photo plus its hints. It is saved as the photo's sidecar hints file,
`<photo stem>.hints.json` beside the photo (File › Save session), or as any hints file the user
names (File › Save session as…). Opening a photo loads its sidecar automatically when there is
one; File › Open hints… loads a hints file onto the open photo (undoable).

Before anything would drop unsaved hints (opening another photo, quitting) the user is asked
to Save, Discard or Cancel. This module knows the window only through the attributes it uses
(`doc`, `stack`, `colorizer`, `app_settings`, `load_document`, `report_error`, ...: declared by
`window_base.QtWindowBase`), so it never imports the main window: imports go one way, from the
window down to its parts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox

from ideepcolor_app.color.swatch import prepare_reference
from ideepcolor_app.engine.colorizer import RenderRequest
from ideepcolor_app.engine.document import open_photo
from ideepcolor_app.engine.export import output_bit_depth, sidecar_hints_path
from ideepcolor_app.engine.history import ReplaceHints, SetGlobalHints
from ideepcolor_app.engine.swatches import reference_histogram
from ideepcolor_app.gui.background import QtBackgroundTask
from ideepcolor_app.hints import DEFAULT_NUM_BINS, GlobalHints, HintsError, HintsFileError, load_hints, save_hints
from ideepcolor_app.imageio import ImageReadError, ImageWriteError, read_photo, write_image

if TYPE_CHECKING:
    from ideepcolor_app.gui.window_base import QtWindowBase

PHOTO_FILTER = "Photos (*.jpg *.jpeg *.png *.tif *.tiff *.bmp *.webp *.gif);;All files (*)"
HINTS_FILTER = "Hints files (*.hints.json *.json)"
RESULT_FILTER = "PNG image (*.png);;JPEG image (*.jpg *.jpeg);;WebP image (*.webp);;TIFF image, 16-bit (*.tif *.tiff)"
SAVE_ERRORS = (ImageWriteError, OSError, ValueError)


class QtFileActions:
    """Opens and saves for one main window; every failure becomes a message, never a crash."""

    def __init__(self, window: QtWindowBase) -> None:
        self.window = window
        self.exif: bytes | None = None
        self.reference_task = QtBackgroundTask(window)

    @property
    def doc(self):
        return self.window.doc

    def _settings(self):
        return self.window.app_settings

    # -- open --------------------------------------------------------------------------------

    def confirm_discard(self, doing: str = "opening another photo") -> bool:
        """Ask Save / Discard / Cancel when the hints are unsaved; True when it is fine to go on."""
        if not self.doc.modified:
            return True
        name = self.doc.photo_path.name if self.doc.photo_path is not None else "this photo"
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self.window,
            "Unsaved hints",
            f"The hints of {name} have changes that are not saved.\nSave them before {doing}?",
            buttons.Save | buttons.Discard | buttons.Cancel,
            buttons.Save,
        )
        if answer == buttons.Save:
            return self.save_session()
        return answer == buttons.Discard

    def open_photo(self, path: Path, confirm: bool = True) -> bool:
        """Open a photo (and its sidecar hints); False, with a message, if it cannot be read.

        With `confirm`, unsaved hints are first offered for saving; False if the user cancels.
        """
        path = Path(path)
        if confirm and not self.confirm_discard():
            return False
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
                f"{path.name} was made for a {hints.width}x{hints.height} photo; this photo is {width}x{height}.",
            )
            return False
        self.window.stack.push(ReplaceHints(self.doc, hints))
        self._settings().set_folder("hints", path)
        self.window.statusBar().showMessage(f"Loaded hints from {path.name}", 5000)
        return True

    def ask_open_photo(self) -> None:
        if not self.confirm_discard():
            return
        path, _ = QFileDialog.getOpenFileName(self.window, "Open photo", self._settings().folder("photo"), PHOTO_FILTER)
        if path:
            self.open_photo(Path(path), confirm=False)  # asked above, before the dialog

    def ask_open_hints(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open hints", self._hints_folder(), HINTS_FILTER)
        if path:
            self.open_hints(Path(path))

    def open_dropped(self, path: Path) -> bool:
        """A file dropped on the window: a hints file goes onto the photo, anything else opens."""
        if path.name.lower().endswith(".json"):
            return self.open_hints(path)
        return self.open_photo(path)

    # -- the reference photo (histogram hint and eyedropper) ---------------------------------

    def set_reference_photo(self, path: Path, use_histogram: bool = True) -> None:
        """Open the reference photo, one for both uses (decoded off the GUI thread): its colour
        histogram becomes the histogram hint (switched on when `use_histogram`, else kept ready
        for "Use histogram"), and the Colour panel's Reference tab shows it to pick from."""
        path, token = Path(path), self.doc.photo_token

        def decode():
            rgb = read_photo(path).rgb
            return prepare_reference(rgb), reference_histogram(rgb)

        self.window.statusBar().showMessage(f"Reading {path.name}…")
        self.reference_task.submit(
            decode,
            lambda done: self._use_reference(path, token, done[0], done[1], use_histogram),
            lambda err: self._reference_failed(err),
        )

    def _use_reference(
        self, path: Path, token: int, reference, histogram: tuple[float, ...], use_histogram: bool
    ) -> None:
        self.window.colour_panel.reference.show_reference(path, reference)
        self.window.global_panel.set_reference(path.name, reference.rgb_u8)
        self._settings().set_folder("reference", path)
        if token != self.doc.photo_token:
            return  # another photo was opened meanwhile: its hints are not this one's
        active, store = self.doc.hints.global_hints, self.doc.global_store
        self.window.stack.push(
            SetGlobalHints(
                self.doc,
                GlobalHints(active.saturation, histogram if use_histogram else active.histogram),
                GlobalHints(store.saturation, histogram),
                "load reference photo",
            )
        )
        use = "its colours are the histogram hint" if use_histogram else "Use histogram takes its colours"
        self.window.statusBar().showMessage(
            f"Reference photo {path.name}: {use}; pick colours from it in Colour › Reference", 8000
        )

    def _reference_failed(self, err: Exception) -> None:
        known = isinstance(err, (ImageReadError, OSError, ValueError))
        self.window.report_error("Cannot use reference photo", str(err) if known else f"{type(err).__name__}: {err}")

    def ask_reference_photo(self, use_histogram: bool = True) -> None:
        start = self.window.start_folder("reference")
        path, _ = QFileDialog.getOpenFileName(self.window, "Reference photo", start, PHOTO_FILTER)
        if path:
            self.set_reference_photo(Path(path), use_histogram)

    # -- recovery -----------------------------------------------------------------------------

    def offer_recovery(self) -> bool:
        """Offer the hints a crash left unsaved; True when they were restored."""
        pending = self.window.recovery.pending()
        if pending is None:
            return False
        photo, hints = pending
        answer = QMessageBox.question(
            self.window,
            "Restore unsaved hints?",
            f"The app closed without saving the hints of {photo.name} ({_hint_count(hints)}).\nRestore them?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes or not self.open_photo(photo, confirm=False):
            self.window.recovery.clear()
            return False
        if (hints.width, hints.height) != self.doc.image_size:
            self.window.report_error("Cannot restore hints", f"{photo.name} has changed size since.")
            self.window.recovery.clear()
            return False
        self.window.stack.push(ReplaceHints(self.doc, hints))
        self.window.statusBar().showMessage(f"Restored the unsaved hints of {photo.name}", 10000)
        return True

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
        self.doc.mark_saved()
        self.window.recovery.write_now()
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
        self.window.statusBar().showMessage(f"Exported {path}")
        QMessageBox.information(
            self.window,
            "Exported",
            f"The colourized photo was saved as\n{path.name}\n\nin the folder\n{path.parent.resolve()}",
        )
        return True

    def ask_save_result(self) -> None:
        """Ask where to export; the input photo is refused once, other files are confirmed once."""
        folder = Path(self._settings().folder("save") or (self.doc.photo_path or Path.home() / "x").parent)
        stem = self.doc.photo_path.stem if self.doc.photo_path else "colourized"
        name, chosen = QFileDialog.getSaveFileName(
            self.window,
            "Export colourized photo",
            str(folder / f"{stem}_colour.png"),
            RESULT_FILTER,
            "",
            QFileDialog.Option.DontConfirmOverwrite,
        )
        if not name:
            return
        path = Path(name)
        if not path.suffix:
            path = path.with_suffix(
                ".jpg" if "JPEG" in chosen else ".tif" if "TIFF" in chosen else ".webp" if "WebP" in chosen else ".png"
            )
        if self.doc.photo_path is not None and path.resolve() == self.doc.photo_path.resolve():
            self.window.report_error(
                "Cannot export there",
                f"{path.name} is the photo you are colourizing; choose another name so that the original is kept.",
            )
            return
        buttons = QMessageBox.StandardButton
        if (
            path.exists()
            and QMessageBox.question(
                self.window,
                "Replace file?",
                f"{path.name} already exists in {path.parent}. Replace it?",
                buttons.Yes | buttons.No,
                buttons.No,
            )
            != buttons.Yes
        ):
            return
        self.save_result(path)

    def _hints_folder(self) -> str:
        return self.window.start_folder("hints")


def _hint_count(hints) -> str:
    """ "3 points", "3 points, 1 colour stroke", or with ", 2 damage strokes" when the mask was
    corrected too."""
    text = f"{len(hints.points)} point{'s' * (len(hints.points) != 1)}"
    if hints.strokes:
        text += f", {len(hints.strokes)} colour stroke{'s' * (len(hints.strokes) != 1)}"
    strokes = len(hints.damage_strokes)
    return text + (f", {strokes} damage stroke{'s' * (strokes != 1)}" if strokes else "")
