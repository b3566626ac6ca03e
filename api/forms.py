"""HTML forms made from the scheduler's own input models, and read back into them.

A team's wards, staff, duty templates and events are pydantic models
(`scheduler.scenario`); the pages edit them with forms built from those models' fields,
so a field added to a model is on its form without another line here, and what a form
sends is validated by the same model as the API's JSON (`api.services.team_data`).

- `inputs(model, item)` lays out one input per field: text, number, a tick box, a list of
  choices, tick boxes for a list of choices (days, roles), text separated by commas for a
  list of names, a fieldset for a nested model, and a table of rows for a list of models
  (the stored rows and `BLANK_ROWS` empty ones to add; a row left empty is dropped).
- `read(model, form)` turns the posted form into the model's JSON shape: blank fields and
  tick boxes of choices left all unticked are left out (the model's default applies: all
  days, all roles), a number that is not one is passed on as text for the model to
  refuse naming the field.
- `place_errors(fields, errors)` puts each of pydantic's problems beside its input; the
  ones that name no input (a rule between fields) are returned for the top of the form.

Form names join a field's path with dots: `demand.0.start` is the first demand window's
start.
"""

from __future__ import annotations

import re
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from starlette.datastructures import FormData

BLANK_ROWS = 2  # empty rows under a list of models, to add that many at a time
SWITCH = ".__on"  # an optional group's tick box: unticked, the group is left out (None)

Widget = Literal[
    "text", "number", "integer", "tick", "choice", "choices", "names", "numbers", "date",
    "datetime", "group", "rows",
]  # fmt: skip


@dataclass
class Input:
    """One input of a form, or a group of them (`group`: a nested model's fields;
    `rows`: a list of models, each row its fields)."""

    name: str
    label: str
    widget: Widget
    value: Any = None
    help: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    fields: list[Input] = field(default_factory=list)  # a group's
    rows: list[list[Input]] = field(default_factory=list)  # a list of models'
    error: str = ""
    readonly: bool = False
    labels: Mapping[str, str] = field(default_factory=dict)  # a choice's words, if not itself
    switch: Input | None = None  # an optional group's "use it" tick box

    @property
    def dom_id(self) -> str:
        return "f-" + self.name.replace(".", "-")


def _strip_none(annotation: Any) -> tuple[Any, bool]:
    """The annotation without `| None`, and whether None was allowed."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _base(annotation: Any) -> Any:
    """`Annotated[str, ...]` as `str`."""
    while hasattr(annotation, "__metadata__"):
        annotation = get_args(annotation)[0]
    return annotation


def _choices(annotation: Any) -> tuple[str, ...] | None:
    annotation = _base(annotation)
    if get_origin(annotation) is Literal:
        return tuple(str(arg) for arg in get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return tuple(str(member.value) for member in annotation)
    return None


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _widget(annotation: Any) -> tuple[Widget, tuple[str, ...], Any]:
    """The input for a field's annotation (without None): its widget, its choices, and
    for a list of models or a nested model, that model."""
    annotation = _base(annotation)
    choices = _choices(annotation)
    if choices is not None:
        return "choice", choices, None
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        item = _base(item)
        if _is_model(item):
            return "rows", (), item
        item_choices = _choices(item)
        if item_choices is not None:
            return "choices", item_choices, None
        if item in (float, int):
            return "numbers", (), None
        return "names", (), None
    if _is_model(annotation):
        return "group", (), annotation
    if annotation is bool:
        return "tick", (), None
    if annotation is int:
        return "integer", (), None
    if annotation is float:
        return "number", (), None
    if annotation is datetime:
        return "datetime", (), None
    if annotation is date:
        return "date", (), None
    return "text", (), None


Refs = Mapping[str, Mapping[str, str]]  # a field that names the team's items: {id: name}


def inputs(
    model: type[BaseModel],
    item: Mapping[str, Any] | None,
    prefix: str = "",
    defaults: bool = True,
    refs: Refs | None = None,
) -> list[Input]:
    """The inputs for `model`'s fields, filled from `item` (a stored item's JSON, or the
    form as it was posted), else with the model's defaults (none for an empty row). A
    field named in `refs` (a person's home ward, an event's ward) is chosen from the
    team's items by name rather than typed as an id."""
    return [
        _input(
            prefix + name,
            name,
            info,
            (item or {}).get(name, _default(info) if defaults else None),
            refs or {},
        )
        for name, info in model.model_fields.items()
    ]


def _default(info: FieldInfo) -> Any:
    if info.is_required():
        return None
    value = info.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, Enum):
        return value.value
    return value


def _input(name: str, field_name: str, info: FieldInfo, value: Any, refs: Refs) -> Input:
    annotation, optional = _strip_none(info.annotation)
    widget, choices, model = _widget(annotation)
    labels: Mapping[str, str] = {}
    if field_name in refs and widget in ("text", "names"):
        stored = value if isinstance(value, list) else [value] if value else []
        unknown = {str(v): str(v) for v in stored if v not in refs[field_name]}  # kept as is
        labels = {**refs[field_name], **unknown}
        widget, choices = ("choice" if widget == "text" else "choices"), tuple(labels)
    made = Input(
        name=name,
        label=info.title or _label(field_name),
        widget=widget,
        help=_plain(info.description or "", widget),
        required=info.is_required(),
        choices=choices,
        labels=labels,
    )
    if widget == "group":
        nested = value if isinstance(value, Mapping) else None
        made.fields = inputs(model, nested, name + ".", refs=refs)
        if optional:  # ticked to use it at all (a team's continuity rules)
            made.switch = Input(
                name=name + SWITCH, label=f"Use {made.label.lower()}", widget="tick",
                value=nested is not None,
            )  # fmt: skip
    elif widget == "rows":
        stored = [row for row in value or [] if isinstance(row, Mapping)]
        made.rows = [
            inputs(model, row, f"{name}.{number}.", defaults=row is not None, refs=refs)
            for number, row in enumerate([*stored, *([None] * BLANK_ROWS)])
        ]
        made.fields = made.rows[0] if made.rows else []
    else:
        made.value = _shown(widget, value)
    return made


def _plain(description: str, widget: Widget) -> str:
    """A model's field description as a form's hint: "if omitted" is what a blank or an
    unticked input means here, and the API's `code` marks go."""
    blank = "if none ticked" if widget == "choices" else "if left blank"
    text = re.sub(r"\s*\((?:policy|team)\.[a-z_.]+\)", "", description).replace("`", "")
    return text.replace("if omitted", blank)


def _shown(widget: Widget, value: Any) -> Any:
    """A value as its input shows it."""
    if value is None:
        return [] if widget == "choices" else ""
    if widget in ("names", "numbers") and isinstance(value, list):
        return ", ".join(_number_text(v) if widget == "numbers" else str(v) for v in value)
    if widget == "choices":
        return [str(v) for v in value] if isinstance(value, list) else []
    if widget == "datetime" and isinstance(value, str):
        return value[:16]  # 2026-11-23T18:00, as <input type=datetime-local> holds it
    if widget in ("number", "integer"):
        return _number_text(value)
    return value


def _number_text(value: Any) -> str:
    """A number as typed: 40 rather than 40.0, every digit kept."""
    text = repr(value) if isinstance(value, float) else str(value)
    return text.removesuffix(".0")


# -- reading a posted form ----------------------------------------------------------------


def text(form: FormData, name: str) -> str:
    """A posted field's value, trimmed ("" if not sent; the last if sent more than once)."""
    values = texts(form, name)
    return values[-1] if values else ""


def texts(form: FormData, name: str) -> list[str]:
    """Every value posted under a name (ticked boxes), trimmed; files are not text."""
    return [value.strip() for value in form.getlist(name) if isinstance(value, str)]


def read(model: type[BaseModel], form: FormData, prefix: str = "") -> dict[str, Any]:
    """The form's values for `model` as the model's JSON: not validated, blanks left out."""
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = prefix + name
        annotation, optional = _strip_none(info.annotation)
        widget, _, nested = _widget(annotation)
        value = _read_one(widget, nested, optional, key, form)
        if value is not _BLANK:
            data[name] = value
    return data


_BLANK = object()


def _read_one(widget: Widget, nested: Any, optional: bool, key: str, form: FormData) -> Any:
    if widget == "tick":
        return text(form, key) == "on"
    if widget == "group":
        if optional and text(form, key + SWITCH) != "on":
            return None
        value = read(nested, form, key + ".")
        return value or _BLANK
    if widget == "rows":
        rows, number = [], 0
        while any(name.startswith(f"{key}.{number}.") for name in form):
            row = read(nested, form, f"{key}.{number}.")
            if _filled(row):
                rows.append(row)
            number += 1
        return rows
    if widget == "choices":  # none ticked: the model's default (all days, all roles)
        chosen = [value for value in texts(form, key) if value]
        return chosen or _BLANK
    if widget in ("names", "numbers"):  # typed with commas, or ticked (the team's wards)
        typed = ",".join(texts(form, key)).replace(";", ",")
        parts = [part.strip() for part in typed.split(",") if part.strip()]
        if not parts:
            return _BLANK if optional else []
        return [_as_number(part, float) for part in parts] if widget == "numbers" else parts
    typed = text(form, key)
    if not typed:
        return _BLANK
    if widget == "number":
        return _as_number(typed, float)
    if widget == "integer":
        return _as_number(typed, int)
    return typed


def _filled(row: dict[str, Any]) -> bool:
    """Whether a row of a list of models was filled in: anything typed, chosen or
    ticked (an empty row shows no defaults, and its blanks were left out)."""
    return any(value not in ([], False, {}) for value in row.values())


def _as_number(text: str, kind: type[float] | type[int]) -> float | int | str:
    """A number, or the text as typed for the model to refuse naming the field."""
    try:
        number = float(text)
    except ValueError:
        return text
    if kind is int:
        return int(number) if number.is_integer() else text
    return number


# -- errors beside their inputs ---------------------------------------------------------------


def place_errors(fields: list[Input], errors: Sequence[Mapping[str, Any]]) -> list[str]:
    """Put each problem (`loc`, `msg`) on the input it names, the nearest enclosing one
    for a problem inside a row or a group; returns the problems that name no input."""
    by_name: dict[str, Input] = {}

    def index(items: list[Input]) -> None:
        for item in items:
            by_name[item.name] = item
            index(item.fields if item.widget == "group" else [])
            for row in item.rows:
                index(row)

    index(fields)
    loose = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        message = str(error.get("msg", ""))
        for length in range(len(loc), 0, -1):
            found = by_name.get(".".join(loc[:length]))
            if found is not None:
                found.error = f"{found.error}; {message}" if found.error else message
                break
        else:
            loose.append(message)
    return loose
