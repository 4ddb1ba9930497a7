"""The points list's actions and the point colour shortcuts of a main window.

Turns the points panel's intents (select, rename, hide, recolour, copy and paste a colour,
delete) and the colour shortcuts ("Predicted colour", the eyedropper) into document edits:
colours go through `RecolorHint` commands, so they undo; names and hidden markers are the
window's `PointLabels` (not in the hints file, not undoable).
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from ideepcolor_app.color.swatch import clamp_ab, hex_to_lab
from ideepcolor_app.engine.colorizer import RenderRequest
from ideepcolor_app.engine.history import RecolorHint, RemoveHint
from ideepcolor_app.engine.point_labels import PointLabels
from ideepcolor_app.gui.points_panel import PointRow


class QtPointActions(QObject):
    """Point names, hidden markers and colour actions for a main window (`doc`, `stack`, ...).

    Attributes:
        labels: the points' names and hidden flags, following every edit of the points.
        copied_ab: the colour "Copy colour" took, or None.
        predicted: {point index: ab} predicted there without the point, from the last
            distribution update (the selected point's); other points are computed on request.
    """

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.labels = PointLabels()
        self.copied_ab: tuple[float, float] | None = None
        self.predicted: dict[int, tuple[float, float]] = {}
        doc = window.doc
        doc.events.photo.connect(lambda _path: self.labels.reset(doc.hints.points))
        doc.events.hints.connect(lambda hints: self.labels.follow(hints.points))
        doc.events.changed.connect(lambda _generation: self.predicted.clear())
        self.labels.reset(doc.hints.points)
        self.labels.changed.connect(lambda _labels: window._redraw_points())
        panel = window.points_panel
        panel.pointSelected.connect(lambda i: doc.set_selected(None if i < 0 else i))
        panel.renamed.connect(self.labels.set_name)
        panel.hiddenChosen.connect(self.labels.set_hidden)
        panel.recolourChosen.connect(self.recolour)
        panel.colourPicked.connect(self.recolour_hex)
        panel.copied.connect(self.copy_colour)
        panel.deleted.connect(lambda i: window.stack.push(RemoveHint(doc, i)))

    @property
    def doc(self):
        return self.window.doc

    def rows(self, colours_u8) -> list[PointRow]:
        """The points list's rows: each point's name, drawn colour ((N,3) uint8), place and size."""
        labels = self.labels.labels
        rgb = [(int(r), int(g), int(b)) for r, g, b in colours_u8]
        return [
            PointRow(self.labels.title(i), rgb[i], p.x, p.y, p.size, labels[i].hidden if i < len(labels) else False)
            for i, p in enumerate(self.doc.hints.points)
        ]

    # -- colours -------------------------------------------------------------------------------

    def predicted_ab(self, index: int) -> tuple[float, float]:
        """What the backend predicts at point `index` without it (computed now if not known)."""
        if index not in self.predicted:
            request = RenderRequest.from_document(self.doc, left_out=index)
            ab = self.window.colorizer.predicted_without(request)
            self.predicted[index] = ab if ab is not None else self.doc.hints.points[index].ab
        return self.predicted[index]

    def recolour(self, index: int, how: str) -> None:
        """Recolour point `index` with the chosen colour ("current"), the predicted one, or the copied one."""
        if not 0 <= index < len(self.doc.hints.points):
            return
        if how == "current":
            ab = self.doc.current_ab
            if ab is None:
                self.window.statusBar().showMessage("No colour chosen yet: new points take the predicted colour", 5000)
                return
        elif how == "predicted":
            ab = self.predicted_ab(index)
        elif how == "paste":
            ab = self.copied_ab
        else:
            raise ValueError(f"unknown recolouring {how!r}")
        if ab is not None:
            self._recolour_clamped(index, ab)

    def recolour_hex(self, index: int, hex_code: str) -> None:
        """Recolour point `index` with an sRGB colour from the colour dialog (its a and b)."""
        _, a, b = hex_to_lab(hex_code)
        self._recolour_clamped(index, (a, b))

    def copy_colour(self, index: int) -> None:
        self.copied_ab = self.doc.hints.points[index].ab
        self.window.points_panel.can_paste = True
        self.window.statusBar().showMessage(f"Copied the colour of {self.labels.title(index)}", 4000)

    def use_predicted(self) -> None:
        """ "Predicted colour": the selected point takes the colour predicted there without it;
        with no point selected, new points take the predicted colour from now on."""
        index = self.doc.selected
        if index is None:
            self.doc.set_current_ab(None)
            self.window.colour_panel.set_colour(None)
            self.window.statusBar().showMessage("New points take the colour predicted where you click", 5000)
            return
        self._recolour_clamped(index, self.predicted_ab(index))

    def take_colour(self, a: float, b: float, source: str) -> None:
        """The eyedropper's colour: the selected point (or the next new point) takes it."""
        self.window.pick_colour(a, b)
        target = self.labels.title(self.doc.selected) if self.doc.selected is not None else "new points"
        self.window.statusBar().showMessage(f"Took a {a:.0f}, b {b:.0f} from {source} for {target}", 6000)

    def _recolour_clamped(self, index: int, ab: tuple[float, float]) -> None:
        point = self.doc.hints.points[index]
        ab = clamp_ab(self.doc.lightness_at(point.x, point.y), *ab)
        self.window.stack.push(RecolorHint(self.doc, index, ab))
        if index == self.doc.selected:
            self.window.colour_panel.set_colour(ab)
            self.window.colour_panel.add_recent(ab)
