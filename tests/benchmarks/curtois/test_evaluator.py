"""The independent evaluator, rule by rule and penalty by penalty.

The evaluator is what the published table trusts, so each hard rule gets its own test on a
hand-built roster that breaks it (and a near miss that does not), and each penalty kind
is checked against a value worked out by hand.
"""

from __future__ import annotations

from dataclasses import replace

from benchmarks.curtois.evaluator import evaluate
from benchmarks.curtois.instance import Cover, Instance, Request, Shift, Staff


def lenient(horizon: int = 14, **limits: int) -> Instance:
    """One person, shifts E and L (L may not be followed by E), every rule slack unless
    a test tightens it."""
    person = Staff(
        id="A",
        max_shifts=(("E", horizon), ("L", horizon)),
        max_minutes=600 * horizon,
        min_minutes=0,
        max_consecutive=horizon,
        min_consecutive=1,
        min_days_off=1,
        max_weekends=horizon,
    )
    return Instance(
        name="tiny",
        horizon=horizon,
        shifts=(Shift("E", 480, ()), Shift("L", 600, ("E",))),
        staff=(replace(person, **limits),),
        days_off=(),
        on_requests=(),
        off_requests=(),
        cover=(),
    )


def days(pattern: str) -> list[str | None]:
    """'EE.L' -> ['E', 'E', None, 'L']."""
    return [None if c == "." else c for c in pattern]


def violations(instance: Instance, pattern: str) -> tuple[str, ...]:
    return evaluate(instance, {"A": days(pattern)}).violations


def test_lenient_roster_is_clean():
    assert violations(lenient(), "EEEEELLLLL.EEE") == ()


def test_not_followed_by():
    instance = lenient()
    assert violations(instance, "LE............")  # E the day after L
    assert violations(instance, "EL............") == ()
    assert violations(instance, "L.E...........") == ()


def test_max_shifts_per_type():
    instance = replace(lenient(), staff=(replace(lenient().staff[0], max_shifts=(("E", 2),)),))
    assert violations(instance, "EE............") == ()
    assert violations(instance, "EEE...........")
    assert violations(instance, "L.............")  # L not listed: never


def test_max_total_minutes():
    instance = lenient(max_minutes=1560)  # E=480, L=600
    assert violations(instance, "E.L.E.........") == ()  # 1560
    assert violations(instance, "L.L.E.........")  # 1680


def test_min_total_minutes():
    instance = lenient(min_minutes=1080)
    assert violations(instance, "E...L.........") == ()  # 1080
    assert violations(instance, "E...E.........")  # 960


def test_max_consecutive_applies_everywhere():
    instance = lenient(max_consecutive=3)
    assert violations(instance, "EEE.EEE.EEE.EE") == ()
    assert violations(instance, "EEEE..........")  # at the start of the horizon
    assert violations(instance, "..........EEEE")  # at the end
    assert violations(instance, ".....EEEE.....")


def test_min_consecutive_inside_the_horizon():
    instance = lenient(min_consecutive=3)
    assert violations(instance, "...EEE...EEE..") == ()
    assert violations(instance, "....EE........")
    assert violations(instance, ".....E........")


def test_min_consecutive_exempts_blocks_touching_either_end():
    instance = lenient(min_consecutive=3)
    assert violations(instance, "E............E") == ()
    assert violations(instance, "EE..........EE") == ()
    assert violations(instance, ".E............")  # day 1 is inside


def test_min_days_off_inside_the_horizon():
    instance = lenient(min_days_off=2)
    assert violations(instance, "EE..EE..EEEE..") == ()
    assert violations(instance, "EE.EEEEEEEEEEE")


def test_min_days_off_exempts_blocks_touching_either_end():
    instance = lenient(min_days_off=3)
    assert violations(instance, ".EEEEEEEEEEEE.") == ()
    assert violations(instance, "E.EEEEEEEEEEE.")  # day 1 off alone, inside


def test_max_weekends_counts_saturday_or_sunday():
    instance = lenient(max_weekends=1)  # weekends: days 5-6 and 12-13
    assert violations(instance, ".....EE.......") == ()
    assert violations(instance, ".....E......E.")  # Saturday, then Sunday
    assert violations(instance, "......E.....E.")
    assert violations(instance, "EEEEE..EEEEE..") == ()


def test_days_off_respected():
    instance = replace(lenient(), days_off=(("A", (2, 9)),))
    assert violations(instance, "EE.EEEEEE.EEEE") == ()
    assert violations(instance, "..E...........")
    assert violations(instance, ".........L....")


def test_roster_must_cover_the_horizon():
    assert violations(lenient(), "EEE")


def test_on_request_penalty():
    instance = replace(lenient(), on_requests=(Request("A", 0, "E", 3), Request("A", 1, "L", 5)))
    assert evaluate(instance, {"A": days("EL" + "." * 12)}).objective == 0
    assert evaluate(instance, {"A": days("LE" + "." * 12)}).on_request_penalty == 8
    assert evaluate(instance, {"A": days("E." + "." * 12)}).objective == 5


def test_off_request_penalty():
    instance = replace(lenient(), off_requests=(Request("A", 0, "E", 3), Request("A", 1, "L", 5)))
    assert evaluate(instance, {"A": days("LE" + "." * 12)}).objective == 0
    assert evaluate(instance, {"A": days("EL" + "." * 12)}).off_request_penalty == 8
    assert evaluate(instance, {"A": days("." * 14)}).objective == 0


def test_cover_penalty_under_and_over():
    base = lenient()
    staff = tuple(replace(base.staff[0], id=name) for name in "ABC")
    instance = replace(base, staff=staff, cover=(Cover(0, "E", 2, 100, 1), Cover(1, "E", 1, 7, 3)))
    roster = {"A": days("EE" + "." * 12), "B": days("." * 14), "C": days(".E" + "." * 12)}
    # day 0: one E against two wanted (100); day 1: two E against one wanted (3)
    evaluation = evaluate(instance, roster)
    assert evaluation.cover_penalty == 103 and evaluation.objective == 103
    roster["A"] = roster["C"] = days("E" + "." * 13)
    assert evaluate(instance, roster).cover_penalty == 7  # day 1 now one under at weight 7
