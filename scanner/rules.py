"""Load rules from YAML data files and validate them at load time.

A malformed rule is a bug in reviewable data, so it must fail loudly naming the
file and the field, never be skipped. That includes its examples: every rule shows
at least one resource it passes and one it fails, each complete enough for the
engine to decide (the test suite then proves the verdicts).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jmespath.exceptions import JMESPathError
from pydantic import ValidationError

from scanner.data import data_dir
from scanner.datafile import field_error, one_line, read_yaml
from scanner.engine import template_fields
from scanner.errors import UsageError
from scanner.examples import OVERRIDABLE, example_params, example_resource
from scanner.expressions import WholeDocument, root_fields
from scanner.models import RESERVED_ROOTS, Rule


class RuleLoadError(UsageError):
    pass


def load_rule_file(path: Path) -> Rule:
    """Parse and validate one rule file; raise RuleLoadError naming file and field."""
    raw = read_yaml(path, "rule file", RuleLoadError)
    if not isinstance(raw, dict):
        raise RuleLoadError(f"{path}: a rule file must hold a mapping")
    try:
        rule = Rule.model_validate(raw)
    except ValidationError as exc:
        raise RuleLoadError(f"{path}: {field_error(exc)}") from None
    for field in ("pass_when", "applies_when"):
        expression = getattr(rule.check, field)
        if expression is None:
            continue
        try:
            read = root_fields(expression)
        except JMESPathError as exc:
            raise RuleLoadError(f"{path}: field check.{field}: invalid JMESPath: {one_line(str(exc))}") from None
        except WholeDocument as exc:
            raise RuleLoadError(f"{path}: field check.{field}: {exc}") from None
        undeclared = sorted(read - {field.split(".")[0] for field in rule.check.fields})
        if undeclared:
            raise RuleLoadError(f"{path}: field check.{field}: reads {undeclared[0]!r}, which is not in check.fields")
    for field in ("message_pass", "message_fail"):
        unknown = [name for name in template_fields(getattr(rule.check, field)) if name not in rule.check.fields]
        if unknown:
            raise RuleLoadError(f"{path}: field check.{field}: placeholder {{{unknown[0]}}} is not one of check.fields")
    expected_stem = rule.id.split(".", 2)[2]
    if path.stem != expected_stem:
        raise RuleLoadError(f"{path}: field id: {rule.id!r} must match the file name {expected_stem}.yaml")
    problem = _examples_problem(rule)
    if problem:
        raise RuleLoadError(f"{path}: {problem}")
    return rule


def _examples_problem(rule: Rule) -> str | None:
    """``field examples...: what is wrong`` for the first bad example, or None.

    A PASS or FAIL example must hold every config field the check reads, a SKIP
    example those ``applies_when`` reads (the engine decides a skip from them alone):
    a missing field would make the engine answer ERROR, not the verdict claimed.
    """
    verdicts = {example.expect for example in rule.examples}
    missing = [verdict for verdict in ("PASS", "FAIL") if verdict not in verdicts]
    if missing:
        return f"field examples: needs at least one PASS and one FAIL example; no {' and no '.join(missing)} example"
    checked = {field.split(".")[0] for field in rule.check.fields} - set(RESERVED_ROOTS)
    deciding = root_fields(rule.check.applies_when) - set(RESERVED_ROOTS) if rule.check.applies_when else set()
    names: set[str] = set()
    for index, example in enumerate(rule.examples):
        where = f"field examples.{index}"
        if example.name in names:
            return f"{where}.name: duplicate example name {example.name!r}"
        names.add(example.name)
        if example.expect == "SKIP" and rule.check.applies_when is None:
            return f"{where}.expect: SKIP needs check.applies_when; this rule applies to every resource"
        reserved = sorted(set(example.config) & set(RESERVED_ROOTS))
        if reserved:
            return f"{where}.config: {reserved[0]!r} is reserved; set it under examples.{index}.{reserved[0]}"
        needed = deciding if example.expect == "SKIP" else checked
        absent = sorted(needed - set(example.config))
        if absent:
            return f"{where}.config: lacks {absent[0]!r}, which the check reads"
        unknown = sorted(set(example.resource) - set(OVERRIDABLE))
        if unknown:
            return f"{where}.resource: {unknown[0]!r} cannot be set; use one of {', '.join(OVERRIDABLE)}"
        try:
            example_params(example)
        except ValidationError as exc:
            return f"{where}.params.{field_error(exc).removeprefix('field ')}"
        try:
            example_resource(rule, example)
        except ValidationError as exc:
            return f"{where}.resource.{field_error(exc).removeprefix('field ')}"
    return None


def load_rules(root: Path | None = None) -> tuple[Rule, ...]:
    """Load every rule below ``root`` (default: the bundled rules), sorted by id."""
    if root is None:
        return _bundled_rules()
    return _load_tree(root)


@lru_cache(maxsize=1)
def _bundled_rules() -> tuple[Rule, ...]:
    return _load_tree(data_dir("rules"))


def _load_tree(root: Path) -> tuple[Rule, ...]:
    rules: dict[str, Rule] = {}
    for path in sorted(root.rglob("*.yaml")):
        rule = load_rule_file(path)
        if rule.id in rules:
            raise RuleLoadError(f"{path}: field id: duplicate rule id {rule.id!r}")
        rules[rule.id] = rule
    return tuple(rules[key] for key in sorted(rules))
