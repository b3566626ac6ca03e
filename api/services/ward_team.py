"""A ward's team as its public page shows it: its dedicated ward officers, named as the
force chooses (`Policy.public_names`: role only, role and first name, or role and collar
number), with the parts of the day they are usually in the ward.

"Usually" is read from the team's last few published weeks, folded into parts of the
day with no dates or days: a resident learns when to look out for their officers, never
where one is now or will be on a given day.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlmodel import Session, col, select

from api import tables
from scheduler.rota import Rota
from scheduler.scenario import Policy, Staff

WEEKS_READ = 4  # published weeks that say when someone is usually there
USUAL_SHARE = 0.2  # a part of the day holding at least this share of their time there
PARTS = (  # (name, first local hour, hour after the last), in the order they are read
    ("mornings", 7, 12),
    ("afternoons", 12, 17),
    ("evenings", 17, 22),
    ("nights", 22, 31),  # 22:00 to 07:00
)


@dataclass(frozen=True)
class Member:
    name: str  # "PCSO", "PCSO Aisha" or "PCSO 7421"
    usually: str  # "mornings and afternoons"; "" when no published week says


def part_of_day(hour: int) -> str:
    for name, first, last in PARTS:
        if first <= hour < last or first <= hour + 24 < last:
            return name
    raise AssertionError(hour)  # the parts cover every hour


def usual_parts(rotas: list[Rota], staff_id: str, ward: str, zone: ZoneInfo) -> str:
    """The parts of the day holding at least `USUAL_SHARE` of the person's time in the
    ward over these rotas, as words."""
    minutes: dict[str, float] = defaultdict(float)
    for rota in rotas:
        for duty in rota.duties_of(staff_id):
            for activity in duty.activities:
                if activity.ward != ward:
                    continue
                at = activity.start
                while at < activity.end:
                    step = min(activity.end, _next_hour(at)) - at
                    minutes[part_of_day(at.astimezone(zone).hour)] += step.total_seconds() / 60
                    at += step
    total = sum(minutes.values())
    usual = [name for name, _, _ in PARTS if total and minutes[name] / total >= USUAL_SHARE]
    return " and ".join([", ".join(usual[:-1]), usual[-1]] if len(usual) > 1 else usual)


def _next_hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


def ward_team(session: Session, team: tables.Team, ward_id: str, now: datetime) -> list[Member]:
    """The ward's dedicated officers, sergeants and constables first, as the public page
    names them."""
    try:
        naming = Policy.model_validate(team.policy).public_names
    except ValidationError:  # a stored policy is validated on the way in; role only if not
        naming = "role"
    people = [
        Staff.model_validate(row.spec)
        for row in session.exec(
            select(tables.StaffMember).where(col(tables.StaffMember.team_id) == team.id)
        )
        if row.spec.get("home_ward") == ward_id
    ]
    versions = session.exec(
        select(tables.RotaVersion)
        .where(
            col(tables.RotaVersion.team_id) == team.id,
            col(tables.RotaVersion.status) == tables.VersionStatus.PUBLISHED.value,
            col(tables.RotaVersion.week_start) <= now.date(),
        )
        .order_by(col(tables.RotaVersion.week_start).desc())
        .limit(WEEKS_READ)
    ).all()
    rotas = [Rota.model_validate(version.rota) for version in versions]
    zone = ZoneInfo(team.timezone)
    order = {"SGT": 0, "PC": 1, "PCSO": 2}
    people.sort(key=lambda p: (order.get(p.role.value, 9), p.public_name(naming), p.id))
    return [
        Member(person.public_name(naming), usual_parts(rotas, person.id, ward_id, zone))
        for person in people
    ]
