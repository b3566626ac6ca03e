"""The independent evaluator: a roster's objective and broken hard rules, by plain loops.

Written straight from the benchmark README's rules with no solver code, so that a slip in
the model cannot hide: the published table trusts this score, not the model's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from benchmarks.curtois.instance import Instance, Roster


@dataclass(frozen=True)
class Evaluation:
    objective: int
    on_request_penalty: int
    off_request_penalty: int
    cover_penalty: int
    violations: tuple[str, ...]


def _blocks(flags: Sequence[bool]) -> Iterator[tuple[bool, int, int]]:
    """(value, first day, length) of each maximal run of equal values."""
    start = 0
    for day in range(1, len(flags) + 1):
        if day == len(flags) or flags[day] != flags[start]:
            yield flags[start], start, day - start
            start = day


def evaluate(instance: Instance, roster: Roster) -> Evaluation:
    """Score a roster and list every broken hard rule, straight from the README's rules.

    Written with plain loops over the roster and no solver code, so that it checks the
    model rather than repeating it.
    """
    horizon = instance.horizon
    shift_ids = {s.id for s in instance.shifts}
    minutes = {s.id: s.minutes for s in instance.shifts}
    forbidden_next = {s.id: set(s.not_followed_by) for s in instance.shifts}
    violations: list[str] = []
    for sid in roster:
        if sid not in {s.id for s in instance.staff}:
            violations.append(f"{sid}: not a member of staff")

    for person in instance.staff:
        sid = person.id
        days = list(roster.get(sid, [None] * horizon))
        if len(days) != horizon:
            violations.append(f"{sid}: roster has {len(days)} days, horizon is {horizon}")
            days = (days + [None] * horizon)[:horizon]
        for d, shift in enumerate(days):
            if shift is not None and shift not in shift_ids:
                violations.append(f"{sid} day {d}: unknown shift {shift!r}")
                days[d] = None
        working = [shift is not None for shift in days]

        for d in range(horizon - 1):
            today, tomorrow = days[d], days[d + 1]
            if today is not None and tomorrow is not None and tomorrow in forbidden_next[today]:
                violations.append(f"{sid} day {d}: {tomorrow} may not follow {today}")
        for shift in instance.shifts:
            count = sum(1 for s in days if s == shift.id)
            if count > person.max_of(shift.id):
                violations.append(
                    f"{sid}: works {shift.id} {count} times, at most {person.max_of(shift.id)}"
                )
        total = sum(minutes[s] for s in days if s is not None)
        if total > person.max_minutes:
            violations.append(f"{sid}: {total} minutes, more than {person.max_minutes}")
        if total < person.min_minutes:
            violations.append(f"{sid}: {total} minutes, fewer than {person.min_minutes}")

        for works, start, length in _blocks(working):
            inside = start > 0 and start + length < horizon  # touches neither end
            span = f"days {start}-{start + length - 1}"
            if works and length > person.max_consecutive:
                violations.append(
                    f"{sid}: works {length} days in a row ({span}), "
                    f"at most {person.max_consecutive}"
                )
            if works and inside and length < person.min_consecutive:
                violations.append(
                    f"{sid}: works {length} days in a row ({span}), "
                    f"at least {person.min_consecutive}"
                )
            if not works and inside and length < person.min_days_off:
                violations.append(
                    f"{sid}: {length} days off in a row ({span}), at least {person.min_days_off}"
                )

        weekends = sum(1 for weekend in instance.weekends() if any(working[d] for d in weekend))
        if weekends > person.max_weekends:
            violations.append(f"{sid}: works {weekends} weekends, at most {person.max_weekends}")
        for d in sorted(instance.days_off_of(sid)):
            if working[d]:
                violations.append(f"{sid} day {d}: works a day off")

    def works(staff: str, day: int, shift: str) -> bool:
        days = roster.get(staff, [])
        return day < len(days) and days[day] == shift

    on_penalty = sum(r.weight for r in instance.on_requests if not works(r.staff, r.day, r.shift))
    off_penalty = sum(r.weight for r in instance.off_requests if works(r.staff, r.day, r.shift))
    cover_penalty = 0
    for c in instance.cover:
        n = sum(1 for person in instance.staff if works(person.id, c.day, c.shift))
        cover_penalty += c.under_weight * max(0, c.requirement - n)
        cover_penalty += c.over_weight * max(0, n - c.requirement)
    return Evaluation(
        objective=on_penalty + off_penalty + cover_penalty,
        on_request_penalty=on_penalty,
        off_request_penalty=off_penalty,
        cover_penalty=cover_penalty,
        violations=tuple(violations),
    )
