"""Undoable edits of a `Document`: the `Command` protocol and the `UndoStack`. No Qt.

Every command records the hints (and selection, and remembered global hints) before and after,
so undo puts back a document equal to the one before and redo re-applies the edit exactly.
A command whose "after" equals its "before" is a no-op: the stack drops it and nothing emits.
A drag is one undo step: consecutive `MoveHint`s (or `MoveStroke`s) with the same `drag_id`
merge into one.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Final, Protocol

from ideepcolor_app.engine.document import Document, Event
from ideepcolor_app.hints import ColourStroke, DamageStroke, GlobalHints, HintPoint, Hints


class Command(Protocol):
    """An undoable edit. `text` is what Edit › Undo shows ("Undo move point")."""

    text: str

    def redo(self, doc: Document) -> None: ...

    def undo(self, doc: Document) -> None: ...

    def is_noop(self) -> bool: ...

    def merge(self, other: Command) -> bool:
        """Absorb `other` (pushed right after self) and return True, or return False."""


@dataclass
class _State:
    hints: Hints
    selected: int | None
    store: GlobalHints
    selected_stroke: int | None = None

    @classmethod
    def of(cls, doc: Document) -> _State:
        return cls(doc.hints, doc.selected, doc.global_store, doc.selected_stroke)

    def apply(self, doc: Document) -> None:
        doc.set_global_store(self.store)
        doc.set_hints(self.hints)  # drops a selection that no longer exists
        doc.set_selected(self.selected)
        doc.set_selected_stroke(self.selected_stroke)


class _Keep(enum.Enum):
    """`_Edit`'s default for the selected stroke: kept when no point gets selected, else none."""

    KEEP = "keep"


_KEEP: Final = _Keep.KEEP


@dataclass
class _StateChange:
    """A command as a before/after pair of document states (built by the helpers below)."""

    text: str
    before: _State
    after: _State
    merge_key: object = None

    def redo(self, doc: Document) -> None:
        self.after.apply(doc)

    def undo(self, doc: Document) -> None:
        self.before.apply(doc)

    def is_noop(self) -> bool:
        """True when the hints (points, global hints, damage strokes) would not change (selection
        alone is not an undo step)."""
        return self.before.hints == self.after.hints and self.before.store == self.after.store

    def merge(self, other: Command) -> bool:
        if (
            self.merge_key is None
            or not isinstance(other, _StateChange)
            or other.merge_key != self.merge_key
            or other.before != self.after
        ):
            return False
        self.after = other.after
        return True


class _Edit(_StateChange):
    """Base of the concrete commands: fills in `before` from the document."""

    text = "edit"

    def __init__(
        self,
        doc: Document,
        hints: Hints,
        selected: int | None,
        store: GlobalHints | None = None,
        merge_key: object = None,
        text: str | None = None,
        selected_stroke: int | None | _Keep = _KEEP,
    ) -> None:
        before = _State.of(doc)
        if selected_stroke is _KEEP:
            selected_stroke = before.selected_stroke if selected is None else None
        after = _State(hints, selected, before.store if store is None else store, selected_stroke)
        super().__init__(text or type(self).text, before, after, merge_key)


class AddHint(_Edit):
    """Append `point` and select it."""

    text = "add point"

    def __init__(self, doc: Document, point: HintPoint) -> None:
        hints = doc.hints.with_point(point)
        super().__init__(doc, hints, len(hints.points) - 1)


class MoveHint(_Edit):
    """Move point `index` to (x, y); moves of one drag (same `drag_id`) merge into one step."""

    text = "move point"

    def __init__(self, doc: Document, index: int, x: float, y: float, drag_id: object = None) -> None:
        point = replace(doc.hints.points[index], x=x, y=y)
        key = None if drag_id is None else ("move", index, drag_id)
        super().__init__(doc, doc.hints.with_point_replaced(index, point), index, merge_key=key)


class RecolorHint(_Edit):
    """Give point `index` the colour `ab` (CIELAB a*, b*)."""

    text = "recolour point"

    def __init__(self, doc: Document, index: int, ab: tuple[float, float]) -> None:
        point = replace(doc.hints.points[index], ab=ab)
        super().__init__(doc, doc.hints.with_point_replaced(index, point), index)


class ResizeHint(_Edit):
    """Set the patch side of point `index`; steps with the same `merge_id` merge into one."""

    text = "resize point"

    def __init__(self, doc: Document, index: int, size: int, merge_id: object = None) -> None:
        point = replace(doc.hints.points[index], size=size)
        key = None if merge_id is None else ("resize", index, merge_id)
        super().__init__(doc, doc.hints.with_point_replaced(index, point), index, merge_key=key)


class RemoveHint(_Edit):
    text = "delete point"

    def __init__(self, doc: Document, index: int) -> None:
        super().__init__(doc, doc.hints.without_point(index), None)


class ClearHints(_Edit):
    """Remove every local hint, points and colour strokes (the global hints and the damage
    strokes stay)."""

    text = "clear points"

    def __init__(self, doc: Document) -> None:
        super().__init__(doc, doc.hints.without_local(), None, selected_stroke=None)


class AddStroke(_Edit):
    """Append colour stroke `stroke` (a painted stroke, or an object fill) and select it."""

    text = "paint stroke"

    def __init__(self, doc: Document, stroke: ColourStroke, text: str | None = None) -> None:
        hints = doc.hints.with_stroke(stroke)
        super().__init__(doc, hints, None, text=text, selected_stroke=len(hints.strokes) - 1)


class _StrokeEdit(_Edit):
    """Replace colour stroke `index` by `stroke` and select it."""

    def __init__(self, doc: Document, index: int, stroke: ColourStroke, merge_key: object = None) -> None:
        super().__init__(
            doc, doc.hints.with_stroke_replaced(index, stroke), None, merge_key=merge_key, selected_stroke=index
        )


class MoveStroke(_StrokeEdit):
    """Move colour stroke `index` as one piece to `stroke` (its moved copy); moves of one drag
    (same `drag_id`) merge into one step."""

    text = "move stroke"

    def __init__(self, doc: Document, index: int, stroke: ColourStroke, drag_id: object = None) -> None:
        super().__init__(doc, index, stroke, None if drag_id is None else ("move stroke", index, drag_id))


class RecolorStroke(_StrokeEdit):
    """Give colour stroke `index` the colour `ab` along its whole length."""

    text = "recolour stroke"

    def __init__(self, doc: Document, index: int, ab: tuple[float, float]) -> None:
        super().__init__(doc, index, doc.hints.strokes[index].recoloured(ab))


class ResizeStroke(_StrokeEdit):
    """Set the brush width of colour stroke `index`; steps with the same `merge_id` merge."""

    text = "resize stroke"

    def __init__(self, doc: Document, index: int, size: int, merge_id: object = None) -> None:
        super().__init__(
            doc,
            index,
            doc.hints.strokes[index].resized(size),
            None if merge_id is None else ("resize stroke", index, merge_id),
        )


class RemoveStroke(_Edit):
    text = "delete stroke"

    def __init__(self, doc: Document, index: int) -> None:
        super().__init__(doc, doc.hints.without_stroke(index), None, selected_stroke=None)


class AddDamageStroke(_Edit):
    """Append a brush stroke on the restoration's damage mask (one whole drag: one undo step)."""

    TEXTS = {"add": "paint damage", "remove": "erase damage"}

    def __init__(self, doc: Document, stroke: DamageStroke) -> None:
        super().__init__(doc, doc.hints.with_damage_stroke(stroke), doc.selected, text=self.TEXTS[stroke.mode])


class SetGlobalHints(_Edit):
    """Set the active global hints (None fields are off) and, optionally, the remembered values."""

    text = "change global hints"

    def __init__(
        self,
        doc: Document,
        active: GlobalHints,
        store: GlobalHints | None = None,
        text: str | None = None,
        merge_key: object = None,
    ) -> None:
        super().__init__(doc, doc.hints.with_global(active), doc.selected, store, merge_key, text)


class ReplaceHints(_Edit):
    """Replace all hints (e.g. with a hints file opened onto the photo)."""

    text = "open hints"

    def __init__(self, doc: Document, hints: Hints) -> None:
        super().__init__(doc, hints, None, hints.global_hints, selected_stroke=None)


@dataclass
class UndoStack:
    """A linear history of commands on one document.

    Events (plain Python, see `Event`):
        can_undo (bool), can_redo (bool): emitted when the value changes.
        index (int): emitted after every push, undo and redo.
    """

    doc: Document
    _commands: list[Command] = field(default_factory=list)
    _index: int = 0

    def __post_init__(self) -> None:
        self.can_undo_event = Event("can_undo")
        self.can_redo_event = Event("can_redo")
        self.index_event = Event("index")
        self._merge_open = True

    @property
    def can_undo(self) -> bool:
        return self._index > 0

    @property
    def can_redo(self) -> bool:
        return self._index < len(self._commands)

    @property
    def index(self) -> int:
        return self._index

    def __len__(self) -> int:
        return len(self._commands)

    def undo_text(self) -> str:
        return self._commands[self._index - 1].text if self.can_undo else ""

    def redo_text(self) -> str:
        return self._commands[self._index].text if self.can_redo else ""

    def push(self, command: Command) -> bool:
        """Apply `command` and record it; returns False (and does nothing) for a no-op."""
        if command.is_noop():
            return False
        flags = self._flags()
        command.redo(self.doc)
        del self._commands[self._index :]
        if self._merge_open and self._commands and self._commands[-1].merge(command):
            if self._commands[-1].is_noop():  # dragged back to where it started
                self._commands.pop()
        else:
            self._commands.append(command)
        self._merge_open = True
        self._index = len(self._commands)
        self._emit(flags)
        return True

    def close_merge(self) -> None:
        """Stop the next command merging into the last one (e.g. at the end of a drag)."""
        self._merge_open = False

    def undo(self) -> bool:
        if not self.can_undo:
            return False
        flags = self._flags()
        self._index -= 1
        self._commands[self._index].undo(self.doc)
        self._merge_open = False
        self._emit(flags)
        return True

    def redo(self) -> bool:
        if not self.can_redo:
            return False
        flags = self._flags()
        self._commands[self._index].redo(self.doc)
        self._index += 1
        self._merge_open = False
        self._emit(flags)
        return True

    def clear(self) -> None:
        flags = self._flags()
        self._commands.clear()
        self._index = 0
        self._emit(flags)

    def _flags(self) -> tuple[bool, bool]:
        return self.can_undo, self.can_redo

    def _emit(self, flags: tuple[bool, bool]) -> None:
        if flags[0] != self.can_undo:
            self.can_undo_event.emit(self.can_undo)
        if flags[1] != self.can_redo:
            self.can_redo_event.emit(self.can_redo)
        self.index_event.emit(self._index)
