"""Load rules from YAML data files and validate them at load time.

A malformed rule is a bug in reviewable data, so it must fail loudly naming the
file and the field, never be skipped.
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
from scanner.expressions import WholeDocument, root_fields
from scanner.models import Rule


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
    return rule


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
