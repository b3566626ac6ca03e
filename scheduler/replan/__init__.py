"""Re-planning a published week: sickness, abstraction, urgent events, with least change.

`replan(scenario, published, changes, now)` applies the changes to the week (`changes`),
fixes everything that has started by `now` (duties, event attendance, patrol counts), and
solves the rest of the week with the same model plus a disruption cost for every duty
that differs from the published rota (`repair`): a new duty on a rest day costs most, a
duty stood down less, a moved start less again, taking someone off an event they were
published to attend less again, and each costs double inside the notice window (the
officer must be told by midnight the day before). The costs dominate presence, so the
repair changes as little as it must and then maximises presence. `compare` lists what
changed, the notice given and the compensation owed (DOMAIN.md's table);
`compare_attendance` who joins or leaves an event.
"""

from scheduler.replan.changes import (
    Absence,
    Category,
    Change,
    EventChange,
    PinChange,
    Replan,
    Surge,
    apply_changes,
)
from scheduler.replan.compare import (
    AttendanceChange,
    DutyChange,
    Owed,
    WardPresence,
    compare,
    compare_attendance,
    compensation,
)
from scheduler.replan.repair import (
    REPAIR_OPTIONS,
    Repair,
    history_of,
    published_counts,
    replan,
)

__all__ = [
    "REPAIR_OPTIONS",
    "Absence",
    "AttendanceChange",
    "Category",
    "Change",
    "DutyChange",
    "EventChange",
    "Owed",
    "PinChange",
    "Repair",
    "Replan",
    "Surge",
    "WardPresence",
    "apply_changes",
    "compare",
    "compare_attendance",
    "compensation",
    "history_of",
    "published_counts",
    "replan",
]
