"""Wards and when presence matters there: demand, peak and lone-working windows, surges."""

from __future__ import annotations

from datetime import date, datetime
from functools import cached_property

from pydantic import Field, StrictFloat, StrictInt, field_validator, model_validator

from scheduler.scenario.base import Id, Name, Strict, Text
from scheduler.scenario.times import ALL_DAYS, WEEKDAYS, ClockTime, Weekday, clock_minutes, real


class Window(Strict):
    """A weekly recurring stretch of local time, e.g. Fri and Sat 20:00-03:00.

    An end at or before the start runs past midnight into the next day.
    """

    days: list[Weekday] = Field(default_factory=lambda: list(ALL_DAYS), min_length=1)
    start: ClockTime
    end: ClockTime
    weight: StrictFloat = Field(
        default=1.0, ge=0, le=1000, description="demand weight inside the window"
    )

    @field_validator("start", "end")
    @classmethod
    def _whole_hours(cls, value: str) -> str:
        if not value.endswith(":00"):
            raise ValueError(f"window times are whole hours; use e.g. '18:00', not {value!r}")
        return value

    def local_hours(self) -> set[tuple[int, int]]:
        """(weekday index, local hour) pairs the window covers."""
        start = clock_minutes(self.start) // 60
        end = clock_minutes(self.end) // 60
        length = end - start if end > start else end + 24 - start
        covered: set[tuple[int, int]] = set()
        for day in self.days:
            first = WEEKDAYS.index(day)
            for offset in range(length):
                hour = start + offset
                covered.add(((first + hour // 24) % 7, hour % 24))
        return covered


class HotSpot(Strict):
    """A small place in a ward where harm concentrates (`scheduler.demand.hot_spots_from`):
    a grid cell's centre, never a single record's place, with the hours of the week when it
    matters most. Patrol blocks in its ward visit it then (`scheduler.visits`)."""

    id: Id
    name: Name
    longitude: StrictFloat = Field(ge=-180, le=180)
    latitude: StrictFloat = Field(ge=-90, le=90)
    records: StrictInt = Field(ge=0, description="records in the cell (at least the minimum)")
    harm_share: StrictFloat = Field(ge=0, le=1, description="its share of the ward's harm")
    peak_hours: list[StrictInt] = Field(
        min_length=1, description="its peak hours of the week, 0 = Monday 00:00 local"
    )

    @field_validator("peak_hours")
    @classmethod
    def _hours_of_the_week(cls, values: list[int]) -> list[int]:
        if any(not 0 <= hour < 168 for hour in values):
            raise ValueError("peak_hours are hours of the week, 0 (Mon 00:00) to 167")
        return sorted(set(values))


class CategoryShare(Strict):
    category: Name
    records: StrictInt = Field(ge=0)
    harm_share: StrictFloat = Field(ge=0, le=1, description="its share of the ward's harm")
    weight: StrictFloat | None = Field(None, ge=0, description="the harm weight of a record")


class DemandBasis(Strict):
    """What a ward's `hourly_demand` was built from (`scheduler.demand`): counts only, so
    that a sergeant can tell a ward panel why, and no record is kept."""

    as_of: date
    records: StrictInt = Field(ge=0)
    timed: StrictInt = Field(0, ge=0, description="records with their hour")
    day_only: StrictInt = Field(0, ge=0)
    month_only: StrictInt = Field(0, ge=0)
    categories: list[CategoryShare] = Field(
        default_factory=list, description="by harm, the most first"
    )
    priorities: list[Text] = Field(
        default_factory=list, description="the ward panel's priorities added, by reason"
    )


class Ward(Strict):
    """A ward, with when and how much visible presence matters there."""

    id: Id
    name: Name
    demand: list[Window] = Field(
        default_factory=list,
        description="demand windows; overlapping windows add up. Ignored if hourly_demand given",
    )
    hourly_demand: list[StrictFloat] | None = Field(
        None, description="168 weights, Monday 00:00 local onwards"
    )
    min_weekly_hours: StrictFloat = Field(
        0, ge=0, le=10_000, description="visible presence hours the ward must get"
    )
    peak_windows: list[Window] = Field(default_factory=list)
    lone_working_windows: list[Window] = Field(
        default_factory=list, description="hours in which PCSOs may not patrol alone here"
    )
    station: Text | None = None
    hot_spots: list[HotSpot] = Field(
        default_factory=list, description="places to visit in peak hours (from records)"
    )
    demand_basis: DemandBasis | None = Field(
        None, description="what hourly_demand was built from, when built from records"
    )

    @field_validator("hourly_demand")
    @classmethod
    def _full_week(cls, values: list[float] | None) -> list[float] | None:
        if values is not None and (len(values) != 168 or min(values) < 0 or max(values) > 1000):
            raise ValueError(
                "hourly_demand needs 168 weights from 0 to 1000 (Mon 00:00 onwards), "
                f"got {len(values)} from {min(values, default=0):g} to {max(values, default=0):g}"
            )
        return values

    @cached_property
    def demand_by_local_hour(self) -> dict[tuple[int, int], float]:
        """Demand weight for each (weekday, hour) of the week, peaks not included."""
        if self.hourly_demand is not None:
            return {
                (index // 24, index % 24): weight for index, weight in enumerate(self.hourly_demand)
            }
        weights: dict[tuple[int, int], float] = {}
        for window in self.demand:
            for key in window.local_hours():
                weights[key] = weights.get(key, 0.0) + window.weight
        return weights

    @cached_property
    def peak_hours(self) -> set[tuple[int, int]]:
        return {key for window in self.peak_windows for key in window.local_hours()}

    @cached_property
    def lone_working_hours(self) -> set[tuple[int, int]]:
        return {key for window in self.lone_working_windows for key in window.local_hours()}


class Surge(Strict):
    """More demand in a ward for some hours of this week (a reassurance patrol after an
    incident): the weight is added to the ward's demand in each hour the surge touches."""

    ward: Id
    start: datetime
    end: datetime
    weight: StrictFloat = Field(
        2.0, gt=0, le=1000, description="demand weight added in those hours"
    )

    @model_validator(mode="after")
    def _ordered(self) -> Surge:
        if real(self.end) <= real(self.start):
            raise ValueError(f"surge ends ({self.end}) before it starts ({self.start})")
        return self
