"""What a repair changed: each duty that differs from the published rota with the notice
given and the compensation owed (DOMAIN.md's table), who joins or leaves an event, and
each ward's presence before and after."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import AwareDatetime, Field

from scheduler.replan.changes import Strict
from scheduler.rota import Duty, Rota
from scheduler.scenario import Role, Scenario


class DutyChange(Strict):
    staff: str
    day: date
    change: Literal["added", "stood down", "moved", "cut short", "ward changed"]
    before: str | None = Field(description="published duty, e.g. 'early 07:00-15:00 market-square'")
    after: str | None
    notice_hours: float = Field(description="from the repair to the earlier start")
    clear_days: int = Field(description="whole days between the repair and the duty's day")
    compensation: str | None = None
    paid_hours: float = Field(0, description="hours paid for the change (at the rate given)")
    time_off_hours: float = Field(0, description="time off owed in lieu")


class AttendanceChange(Strict):
    staff: str
    event: str
    name: str = Field(description="the event's name")
    ward: str
    start: AwareDatetime = Field(description="when the event starts")
    change: Literal["joined", "left"]
    notice_hours: float = Field(description="from the repair to the event's start")


class WardPresence(Strict):
    ward: str
    before: float
    after: float
    change: float


def _local(scenario: Scenario, instant: datetime) -> datetime:
    return instant.astimezone(scenario.zone)


def _describe(scenario: Scenario, duty: Duty) -> str:
    start, end = _local(scenario, duty.start), _local(scenario, duty.end)
    ward = duty.main_ward
    return f"{duty.template} {start:%H:%M}-{end:%H:%M}" + (f" {ward}" if ward else "")


def compare(scenario: Scenario, published: Rota, repaired: Rota, now: datetime) -> list[DutyChange]:
    """Every duty that differs, with notice and compensation. A started duty differs only
    by ending early (`cut short`) or by its wards from `now` on."""
    before = {(d.staff, d.day): d for d in published.duties}
    after = {(d.staff, d.day): d for d in repaired.duties}
    roles = {person.id: person.role for person in scenario.staff}
    today = _local(scenario, now).date()
    changes = []
    for staff, day in sorted(set(before) | set(after), key=lambda k: (k[1], k[0])):
        old, new = before.get((staff, day)), after.get((staff, day))
        if old is not None and new is not None and old.start == new.start and old.end == new.end:
            if old.main_ward == new.main_ward:
                continue
            kind = "ward changed"
        elif old is None:
            kind = "added"
        elif new is None:
            kind = "stood down"
        elif old.start == new.start and new.end < old.end and old.start < now:
            kind = "cut short"
        else:
            kind = "moved"
        first = min(d.start for d in (old, new) if d is not None)
        owed = compensation(
            role=roles.get(staff, Role.PC),
            change=kind,
            hours=new.hours if new is not None else 0.0,
            clear_days=(day - today).days - 1,
            public_holiday=day in scenario.policy.public_holidays,
            pcso_notice_days=scenario.policy.pcso_rest_day_notice_days,
            brought_forward_hours=(
                (old.start - new.start).total_seconds() / 3600
                if kind == "moved" and old is not None and new is not None
                else 0.0
            ),
            hours_notice=((new.start - now).total_seconds() / 3600 if new is not None else 0.0),
        )
        changes.append(
            DutyChange(
                staff=staff,
                day=day,
                change=kind,
                before=_describe(scenario, old) if old else None,
                after=_describe(scenario, new) if new else None,
                notice_hours=round((first - now).total_seconds() / 3600, 1),
                clear_days=max(0, (day - today).days - 1),
                compensation=owed.rule if owed else None,
                paid_hours=owed.paid_hours if owed else 0.0,
                time_off_hours=owed.time_off_hours if owed else 0.0,
            )
        )
    return changes


def compare_attendance(
    scenario: Scenario, published: Rota, repaired: Rota, now: datetime
) -> list[AttendanceChange]:
    """Who joins or leaves an engagement event that has not begun by `now`."""
    before, after = published.attendance(), repaired.attendance()
    events = {event.id: event for event in scenario.events}
    changes = [
        AttendanceChange(
            staff=staff,
            event=event.id,
            name=event.name,
            ward=event.ward,
            start=event.start,
            change="joined" if (staff, event_id) in after else "left",
            notice_hours=round((event.start - now).total_seconds() / 3600, 1),
        )
        for staff, event_id in before ^ after
        if (event := events.get(event_id)) is not None and event.start >= now
    ]
    return sorted(changes, key=lambda c: (c.start, c.event, c.change, c.staff))


class Owed(Strict):
    rule: str
    paid_hours: float = 0.0
    time_off_hours: float = 0.0


def compensation(
    *,
    role: Role,
    change: str,
    hours: float,
    clear_days: int,
    public_holiday: bool = False,
    brought_forward_hours: float = 0.0,
    hours_notice: float = 24.0,
    pcso_notice_days: int = 5,
) -> Owed | None:
    """What a change owes, per DOMAIN.md's table (notice in clear days or hours).

    `paid_hours` is plain hours paid including the enhancement (time-and-a-half of 4 h
    is 6 paid hours); `time_off_hours` is time off in lieu. `pcso_notice_days` is the
    team's `policy.pcso_rest_day_notice_days` (DOMAIN.md marks the 5 days `[?]`)."""
    if change == "added" and public_holiday:
        paid = 2 * max(4.0, hours)
        if clear_days < 8:
            return Owed(
                rule="public holiday worked at under 8 days' notice: double time plus a day "
                "in lieu, minimum 4 h",
                paid_hours=paid,
                time_off_hours=hours,
            )
        return Owed(rule="public holiday worked: double time, minimum 4 h", paid_hours=paid)
    if change == "added" and role is Role.PCSO:
        if clear_days < pcso_notice_days:
            return Owed(
                rule=f"PCSO rest day worked at under {pcso_notice_days} days' notice: overtime "
                "plus time off in lieu",
                paid_hours=round(hours * 4 / 3, 2),
                time_off_hours=hours,
            )
        return Owed(rule="PCSO rest day worked with notice: a replacement rest day [?]")
    if change == "added":
        if clear_days < 15:
            return Owed(
                rule="rest day worked at under 15 days' notice: time-and-a-half, minimum 4 h",
                paid_hours=1.5 * max(4.0, hours),
            )
        return Owed(rule="rest day worked: a replacement rest day, notified within 4 days")
    if change == "moved" and brought_forward_hours > 0 and hours_notice < 8:
        return Owed(
            rule="start brought forward at under 8 hours' notice: the extra hours as overtime "
            "(time-and-a-third)",
            paid_hours=round(brought_forward_hours * 4 / 3, 2),
        )
    return None


def ward_presence(published: Rota, repaired: Rota) -> list[WardPresence]:
    before = {w.ward: w.visible_hours for w in published.wards}
    after = {w.ward: w.visible_hours for w in repaired.wards}
    return [
        WardPresence(
            ward=ward,
            before=round(before.get(ward, 0.0), 2),
            after=round(after.get(ward, 0.0), 2),
            change=round(after.get(ward, 0.0) - before.get(ward, 0.0), 2),
        )
        for ward in sorted(set(before) | set(after))
    ]
