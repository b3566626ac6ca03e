"""The base of every input model, and the ids that name things across the scenario."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]  # a letter or digit first: "..", "." or "-x" in a URL path is trouble


class Strict(BaseModel):
    """Base for input models: unknown fields are errors, so typos are caught. Every
    number is a `StrictFloat` or `StrictInt`, every flag a `StrictBool`: lax validation
    would read `true` as 1, "5" as 5 and 1 or "yes" as true, so those are refused naming
    the field (an integer is a float)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
