"""Names and hidden flags of the hint points: the app's own notes, kept beside the document.

The hints file stores what colours the photo (position, colour, size) and nothing else, so a
point's name and whether its marker is hidden live here, in memory, for as long as the photo
is open. Points are values (`HintPoint`) addressed by index, and an edit replaces the tuple, so
labels follow the points by comparing the tuples before and after each edit (`follow`): one
point changed in place keeps its label (a move, a recolour, a resize), and otherwise points are
matched by value, which also brings a label back when an undo restores a deleted point. No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ideepcolor_app.engine.document import Event
from ideepcolor_app.hints import HintPoint


@dataclass(frozen=True)
class PointLabel:
    """What the user noted about one point: a name ("" for none) and a hidden marker."""

    name: str = ""
    hidden: bool = False


class PointLabels:
    """The labels of the document's points, in the order of `Hints.points`.

    Events:
        changed (tuple[PointLabel, ...]): any label changed, or the points changed under them.
    """

    def __init__(self) -> None:
        self.changed = Event("changed")
        self._points: tuple[HintPoint, ...] = ()
        self._labels: list[PointLabel] = []
        self._memory: dict[HintPoint, PointLabel] = {}  # labels of points no longer there (for undo)

    @property
    def labels(self) -> tuple[PointLabel, ...]:
        return tuple(self._labels)

    def __getitem__(self, index: int) -> PointLabel:
        return self._labels[index]

    def reset(self, points: tuple[HintPoint, ...] = ()) -> None:
        """Forget every label (another photo was opened); `points` start unlabelled."""
        self._points, self._labels, self._memory = tuple(points), [PointLabel()] * len(points), {}
        self.changed.emit(self.labels)

    def follow(self, points: tuple[HintPoint, ...]) -> None:
        """Carry the labels over an edit that turned the previous points into `points`."""
        points = tuple(points)
        if points == self._points:
            return
        for point, label in zip(self._points, self._labels, strict=True):
            if label != PointLabel():
                self._memory[point] = label
        changed = [i for i, (a, b) in enumerate(zip(self._points, points, strict=False)) if a != b]
        if len(points) == len(self._points) and len(changed) <= 1:
            labels = list(self._labels)  # one point moved, recoloured or resized
        else:
            unused = list(range(len(self._points)))
            labels = []
            for point in points:
                match = next((i for i in unused if self._points[i] == point), None)
                if match is not None:
                    unused.remove(match)
                    labels.append(self._labels[match])
                else:
                    labels.append(self._memory.get(point, PointLabel()))
        self._points, labels_before = points, self._labels
        self._labels = labels
        if labels != labels_before:  # a point moved under its label: nothing to redraw here
            self.changed.emit(self.labels)

    def set_name(self, index: int, name: str) -> None:
        self._set(index, replace(self._labels[index], name=" ".join(str(name).split())))

    def set_hidden(self, index: int, hidden: bool) -> None:
        self._set(index, replace(self._labels[index], hidden=bool(hidden)))

    def hidden(self) -> list[bool]:
        """Whether each point's marker is hidden, in point order."""
        return [label.hidden for label in self._labels]

    def title(self, index: int) -> str:
        """What the app calls point `index`: its name, else "Point <n>" (counting from 1)."""
        return self._labels[index].name or f"Point {index + 1}"

    def _set(self, index: int, label: PointLabel) -> None:
        if label != self._labels[index]:
            self._labels[index] = label
            self.changed.emit(self.labels)
