"""One code per rule: `RuleCode`, docs/rules.md's table, the checker's and the model's
registries list the same codes, and a rule's check and constraint share its name."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scheduler import checker, model
from scheduler.codes import RuleCode, SolveStatus

RULES_MD = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def documented() -> dict[str, str]:
    """Code -> family, from the rows of docs/rules.md's rule table."""
    return dict(re.findall(r"^\| `([a-z_]+)` \| ([a-z_]+) \|", RULES_MD.read_text(), re.M))


def test_every_rule_has_the_same_code_everywhere() -> None:
    """RuleCode, the docs' rule table, the checker's RULES and the model's RULES hold the
    same codes."""
    codes = {code.value for code in RuleCode}
    assert set(documented()) == codes
    assert set(checker.RULES) == codes
    assert set(model.RULES) == codes


@pytest.mark.parametrize("code", list(RuleCode))
def test_a_rules_check_and_constraint_are_found_by_its_name(code: RuleCode) -> None:
    """The check of a rule is the function named after its code in the checker's module
    of the docs' family, and so is its constraint family in the model's module, unless
    the model enforces the rule by construction, which then says how."""
    family = documented()[code]
    check = checker.RULES[code]
    assert check.__module__ == f"scheduler.checker.{family}"
    assert check.__name__ in (code, f"{code}_")  # break_: `break` is a keyword
    enforcement = model.RULES[code]
    if enforcement.by_construction is None:
        assert enforcement.function.__module__ == f"scheduler.model.{family}"
        assert enforcement.function.__name__ == code
    else:
        assert enforcement.by_construction.strip(), f"say how the model enforces {code}"


def test_codes_read_as_the_strings_they_replace() -> None:
    """A code compares, formats and serialises as its plain string, as the service, the
    CLI and stored rotas read it."""
    assert RuleCode.DAILY_REST == "daily_rest"
    assert f"[{RuleCode.PINNED_OFF}]" == "[pinned_off]"
    assert json.dumps({"rule": RuleCode.WARD_MINIMUM}) == '{"rule": "ward_minimum"}'
    assert SolveStatus("INFEASIBLE") is SolveStatus.INFEASIBLE
    assert json.dumps([SolveStatus.OPTIMAL]) == '["OPTIMAL"]'
