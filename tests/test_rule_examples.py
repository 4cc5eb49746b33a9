"""Every example in every bundled rule file gets the verdict it claims from the real engine.

The examples are the rules' specification: a normalized resource the rule must
PASS, one it must FAIL, and resources it must SKIP. Provider adapters are proven
separately against moto and local API servers; here only the rule logic is.
"""

from __future__ import annotations

import pytest

from scanner.engine import evaluate
from scanner.examples import example_params, example_resource
from scanner.models import RESERVED_ROOTS, Rule, RuleExample
from scanner.providers.registry import declared_fields
from scanner.rules import load_rules

CASES = [(rule, example) for rule in load_rules() for example in rule.examples]
IDS = [f"{rule.id}[{example.name}]" for rule, example in CASES]


@pytest.mark.parametrize(("rule", "example"), CASES, ids=IDS)
def test_example_gets_its_verdict(rule: Rule, example: RuleExample):
    resource = example_resource(rule, example)
    findings = evaluate([rule], [resource], params=example_params(example))
    if example.expect == "SKIP":
        assert findings == [], f"expected no finding, got {[(f.status.value, f.message) for f in findings]}"
        return
    assert len(findings) == 1, findings
    (finding,) = findings
    assert finding.status.value == example.expect, finding.message
    assert finding.resource == resource.ref()


@pytest.mark.parametrize(("rule", "example"), CASES, ids=IDS)
def test_example_config_uses_declared_fields(rule: Rule, example: RuleExample):
    declared = declared_fields(rule.resource_type)
    assert declared is not None, f"unknown resource type {rule.resource_type}"
    undeclared = sorted(set(example.config) - set(declared))
    assert undeclared == [], f"not fields of {rule.resource_type}: {undeclared}"
    assert not set(example.config) & set(RESERVED_ROOTS)
