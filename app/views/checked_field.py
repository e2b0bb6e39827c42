"""A text field whose entry is checked when it is committed (Enter or leaving the field): `commit(text)`
says whether the setup took it; if not, the field shows again `value`, what will run, instead of the
refused entry (Solara's own inputs keep showing a refused entry, since their value did not change)."""

from __future__ import annotations

from typing import Callable

import solara
from solara.components.input import use_change


@solara.component
def CheckedField(label: str, value: str, commit: Callable[[str], bool], disabled: bool = False,
                 classes: tuple[str, ...] = ()):
    text = solara.use_reactive(value)  # what the field shows: follows `value` whenever that changes

    def committed(entry) -> None:
        entry = "" if entry is None else str(entry)
        if entry != value and not commit(entry):
            text.set(value)

    field = solara.v.TextField(label=label, v_model=text.value, on_v_model=text.set, disabled=disabled,
                               class_=" ".join(classes))
    use_change(field, committed)
