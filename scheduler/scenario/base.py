"""The base of every input model, the ids that name things across the scenario, and the
text a person types (names, places, reasons, skills).

Text is checked once, here at the edge, so that nothing stored can break a later read:
valid Unicode (no lone surrogate, which JSON can carry as "\\ud800" but no page, export or
calendar can write), no control characters (a NUL breaks the XLSX export), not blank, and
of a sensible length (a 1.9 MB ward name once made the week page 323 MB).
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

Id = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]  # a letter or digit first: "..", "." or "-x" in a URL path is trouble

NAME_LENGTH = 120  # a person, ward, template, event or team
TEXT_LENGTH = 300  # a place, a station, a reason
LABEL_LENGTH = 64  # a skill, an event's kind


def plain_text(value: str) -> str:
    """Text that every page, export and calendar can write: refused (a ValueError naming
    the problem and the fix) if it holds a lone surrogate or a control character."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(
            "holds a character that is not valid Unicode (a lone surrogate such as "
            "\\ud800); retype the text"
        ) from None
    control = next((c for c in value if unicodedata.category(c) == "Cc"), None)
    if control is not None:
        raise ValueError(
            f"holds a control character (U+{ord(control):04X}, e.g. a tab, a line break or "
            "a NUL); write it on one line of plain text"
        )
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("is blank; write something, or leave the field out if it may be")
    return value


def _text(length: int, *, blank: bool = False) -> object:
    checks = [AfterValidator(plain_text)] + ([] if blank else [AfterValidator(_not_blank)])
    return Annotated[str, Field(min_length=0 if blank else 1, max_length=length), *checks]


Name = _text(NAME_LENGTH)
Text = _text(TEXT_LENGTH)
MaybeText = _text(TEXT_LENGTH, blank=True)  # where "" means none (a team's station)
Label = _text(LABEL_LENGTH)


class Strict(BaseModel):
    """Base for input models: unknown fields are errors, so typos are caught. Every
    number is a `StrictFloat` or `StrictInt`, every flag a `StrictBool`: lax validation
    would read `true` as 1, "5" as 5 and 1 or "yes" as true, so those are refused naming
    the field (an integer is a float)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
