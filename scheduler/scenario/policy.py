"""The rule values: DOMAIN.md's defaults, each configurable per team."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Literal

from pydantic import Field, StrictBool, StrictFloat, StrictInt, field_validator

from scheduler.scenario.base import Label, Strict
from scheduler.scenario.times import ClockTime


class Continuity(Strict):
    """Familiar faces: each ward sees its own officers, and a duty is not spread over
    many wards. A duty is planned in blocks of at least `min_block_minutes`, each in one
    ward (events included), over at most `max_wards_per_duty` wards."""

    max_wards_per_duty: StrictInt = Field(
        2, ge=1, le=24, description="the most wards one duty may visit, events included"
    )
    min_block_minutes: StrictInt = Field(
        120,
        ge=15,
        le=720,
        multiple_of=15,
        description="a duty stays in a ward at least this long (a shorter duty, all of it)",
    )
    own_ward_share: StrictFloat = Field(
        0.8,
        ge=0,
        le=1,
        description="the least share of a dedicated ward officer's patrol time that is in "
        "their own ward, over the week",
    )
    own_officers_at: list[Label] = Field(
        default_factory=lambda: ["ward-panel"],
        description="event kinds that one of the ward's own dedicated officers attends, "
        "when staffed (the ward panel meets its ward officers)",
    )
    hard: StrictBool = Field(
        True,
        description="own_ward_share and own_officers_at as rules (true) or as goals the "
        "objective pays for, reported where they fall short (false)",
    )


PublicNames = Literal["role", "first_name", "collar_number"]


class Policy(Strict):
    """Rule values: DOMAIN.md's defaults, each configurable per team."""

    min_rest_hours: StrictFloat = Field(
        11, ge=0, le=168, description="rest between duties (WTR reg 10)"
    )
    weekly_rest_hours: StrictFloat = Field(
        24, ge=0, le=168, description="uninterrupted rest in the week (WTR reg 11)"
    )
    max_weekly_hours: StrictFloat = Field(
        48, gt=0, le=168, description="working time cap per week (WTR reg 4)"
    )
    night_start: ClockTime = "23:00"
    night_end: ClockTime = "06:00"
    night_min_hours: StrictFloat = Field(
        3, ge=0, le=24, description="a duty with at least this much night time is night work"
    )
    night_average_hours_per_24h: StrictFloat = Field(
        8, gt=0, le=24, description="night workers average at most this per 24 h (WTR reg 6)"
    )
    min_rest_days: StrictInt = Field(
        2, ge=0, le=7, description="days with no duty starting, per week"
    )
    max_consecutive_days: StrictInt = Field(
        7, ge=1, le=366, description="most days worked in a row"
    )
    max_duty_hours: StrictFloat = Field(
        12,
        gt=0,
        le=24,
        description="the longest a duty may last in real time; never more than 24 h less "
        "min_rest_hours, so that the rest fits in every 24 hours (WTR reg 10)",
    )
    break_after_hours: StrictFloat = Field(
        6, ge=0, le=24, description="a duty longer than this needs a break"
    )
    min_break_minutes: StrictInt = Field(20, ge=0, le=1440, description="WTR reg 12")
    pcso_window_start: ClockTime = "07:00"
    pcso_window_end: ClockTime = Field("23:00", description="'24:00' allows PCSOs to midnight")
    lone_working_min_group: StrictInt = Field(
        2,
        ge=1,
        description="in a ward's lone-working risk window a PCSO patrols with at least this many",
    )
    max_overtime_hours: StrictFloat = Field(
        0, ge=0, le=168, description="hours allowed beyond contract"
    )
    unsocial_start: ClockTime = "20:00"
    unsocial_end: ClockTime = "06:00"
    presence_values: list[StrictFloat] = Field(
        default_factory=lambda: [1.0, 0.6, 0.3],
        min_length=1,
        description="value of the 1st, 2nd, 3rd... person in one ward-hour (diminishing)",
    )
    peak_multiplier: StrictFloat = Field(
        2.0, ge=1, le=100, description="demand weight factor in peak windows"
    )
    public_holidays: list[date] = Field(
        default_factory=list, description="bank holidays: compensation for working them differs"
    )
    pcso_rest_day_notice_days: StrictInt = Field(
        5,
        ge=0,
        le=366,
        description="[?] varies by force: a PCSO's rest day worked at under this many clear "
        "days' notice owes overtime plus time off in lieu, otherwise a replacement rest day",
    )
    coverage_target: StrictFloat = Field(
        0.9, ge=0, le=1, description="share of each ward's demand that should have someone present"
    )
    coverage_shortfall_weight: StrictFloat = Field(
        0.5,
        ge=0,
        le=100,
        description="extra value of covering demand in a ward below its target share",
    )
    continuity: Continuity | None = Field(
        None,
        description="familiar faces: blocks, wards per duty, own-ward share, own officers "
        "at ward events ({} for the defaults); null plans for presence alone (patrol may "
        "move every hour, the home ward favoured where presence allows)",
    )
    public_names: PublicNames = Field(
        "role",
        description="how a public ward page names the ward's team: by role only (PCSO), "
        "role and first name (PCSO Aisha), or role and collar number (PCSO 7421)",
    )
    presence_trade_limit: StrictFloat = Field(
        0.01,
        ge=0,
        le=1,
        description="share of the best demand-weighted presence found that ward fairness, "
        "optional events, unsocial fairness and preferences may cost together (0: presence "
        "first; 1: no limit)",
    )

    @property
    def duty_hours_limit(self) -> float:
        """The longest a duty may last: `max_duty_hours`, and at most 24 h less the daily
        rest (11 consecutive hours of rest in every 24-hour period: 13 h by default)."""
        return min(self.max_duty_hours, 24 - self.min_rest_hours)

    @property
    def night_work_cap_hours(self) -> float:
        """Most hours a night worker may work in the week: the nightly average times the
        week's days less its weekly rest (WTR reg 6(5) leaves the weekly rest out of the
        reference period), 8 x 6 = 48 h by default."""
        return self.night_average_hours_per_24h * max(0.0, 7 - self.weekly_rest_hours / 24)

    @field_validator("presence_values")
    @classmethod
    def _diminishing(cls, values: list[float]) -> list[float]:
        if (
            any(later > earlier for earlier, later in itertools.pairwise(values))
            or min(values) < 0
            or max(values) > 1000
        ):
            raise ValueError(
                f"presence_values must be non-negative, non-increasing and at most 1000, "
                f"got {values}"
            )
        return values
