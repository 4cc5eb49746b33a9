"""The rule engine: evaluate declarative rules over normalized resources.

The engine never talks to a cloud API. It decides PASS / FAIL / ERROR from the
resource config alone, and turns every collection failure it is told about into
ERROR findings so that missing permissions can never look like a clean account.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import jmespath

from scanner.expressions import root_fields
from scanner.models import (
    RESERVED_ROOTS,
    ControlRef,
    Finding,
    Resource,
    ResourceRef,
    Responsibility,
    Rule,
    ScanError,
    ScanParams,
    Status,
)

ControlLookup = Callable[[str], tuple[ControlRef, ...]]


def evaluate(
    rules: Iterable[Rule],
    resources: Iterable[Resource],
    errors: Iterable[ScanError] = (),
    controls_for: ControlLookup = lambda rule_id: (),
    params: ScanParams | None = None,
) -> list[Finding]:
    """Evaluate every rule against the resources of its type.

    ``errors`` carrying a ``resource_type`` mean "resources of that type in that
    region could not be listed"; each rule on that type gets an ERROR finding
    for the region instead of no finding at all.
    """
    by_type: dict[str, list[Resource]] = defaultdict(list)
    for resource in resources:
        by_type[resource.type].append(resource)
    failed_listings = [error for error in errors if error.resource_type]

    params = params or ScanParams()
    scan_params = params.model_dump(mode="json")
    findings: list[Finding] = []
    for rule in rules:
        controls = controls_for(rule.id)
        for resource in by_type.get(rule.resource_type, ()):
            finding = _evaluate_one(rule, resource, controls, scan_params, params.tagged(resource.tags))
            if finding is not None:
                findings.append(finding)
        for error in failed_listings:
            if error.resource_type == rule.resource_type:
                findings.append(_listing_error(rule, error, controls))
    findings.sort(key=sort_key)
    return findings


def sort_key(finding: Finding) -> tuple[str, ...]:
    ref = finding.resource
    return (finding.rule_id, ref.account, ref.region, ref.id)


def overall_responsibility(controls: tuple[ControlRef, ...]) -> Responsibility | None:
    """One word for the finding: customer, provider, or shared when they differ."""
    kinds = {control.responsibility for control in controls}
    if not kinds:
        return None
    if len(kinds) == 1:
        return kinds.pop()
    return Responsibility.SHARED


def _evaluate_one(
    rule: Rule,
    resource: Resource,
    controls: tuple[ControlRef, ...],
    params: dict[str, Any],
    tagged: dict[str, bool],
) -> Finding | None:
    """PASS, FAIL or ERROR for one resource, or None when the rule does not apply to it.

    ``applies_when`` is decided first, from the fields it reads alone, so a call
    that failed on a resource the rule skips (e.g. key rotation status of an
    AWS-managed key) never becomes an ERROR finding.
    """
    check = rule.check
    document = {
        **resource.config,
        "resource": resource.ref().model_dump(mode="json"),
        "params": params,
        "tagged": tagged,
    }
    if check.applies_when is not None:
        error = _unavailable(rule, resource, root_fields(check.applies_when), controls)
        if error is not None:
            return error
        applies = jmespath.search(check.applies_when, document)
        if not isinstance(applies, bool):
            return _non_boolean(rule, resource, "applies_when", applies, {}, controls)
        if not applies:
            return None
    error = _unavailable(rule, resource, {field.split(".")[0] for field in check.fields}, controls)
    if error is not None:
        return error
    evidence = {field: jmespath.search(field, document) for field in check.fields}
    outcome = jmespath.search(check.pass_when, document)
    if not isinstance(outcome, bool):
        return _non_boolean(rule, resource, "pass_when", outcome, evidence, controls)
    template = check.message_pass if outcome else check.message_fail
    status = Status.PASS if outcome else Status.FAIL
    return _finding(rule, resource.ref(), status, render_message(template, evidence), evidence, controls)


def _unavailable(rule: Rule, resource: Resource, fields: set[str], controls: tuple[ControlRef, ...]) -> Finding | None:
    """An ERROR finding if any of ``fields`` could not be collected, else None."""
    missing = {field: resource.unavailable[field] for field in fields if field in resource.unavailable}
    if missing:
        reasons = "; ".join(sorted(set(missing.values())))
        message = f"Could not collect {', '.join(sorted(missing))}: {reasons}"
        return _finding(rule, resource.ref(), Status.ERROR, message, {}, controls)
    not_collected = sorted(field for field in fields if field not in resource.config and field not in RESERVED_ROOTS)
    if not_collected:
        message = f"The scanner did not collect {', '.join(not_collected)} for {resource.type}"
        return _finding(rule, resource.ref(), Status.ERROR, message, {}, controls)
    return None


def _non_boolean(
    rule: Rule, resource: Resource, which: str, value: Any, evidence: dict[str, Any], controls: tuple[ControlRef, ...]
) -> Finding:
    message = f"Rule condition {which} did not evaluate to true or false (got {value!r})"
    return _finding(rule, resource.ref(), Status.ERROR, message, evidence, controls)


def _listing_error(rule: Rule, error: ScanError, controls: tuple[ControlRef, ...]) -> Finding:
    scope = ResourceRef(
        provider=error.provider,
        account=error.account,
        region=error.region,
        type=rule.resource_type,
        id="*",
        name=f"all {rule.resource_type} in {error.region}",
    )
    message = (
        f"Could not list {rule.resource_type} in {error.region} ({error.operation}): {error.code}: {error.message}"
    )
    return _finding(rule, scope, Status.ERROR, message, {}, controls)


def _finding(
    rule: Rule,
    resource: ResourceRef,
    status: Status,
    message: str,
    evidence: dict[str, Any],
    controls: tuple[ControlRef, ...],
) -> Finding:
    return Finding(
        rule_id=rule.id,
        title=rule.title,
        status=status,
        severity=rule.severity,
        message=message,
        resource=resource,
        evidence=evidence,
        remediation=rule.remediation,
        controls=controls,
        responsibility=overall_responsibility(controls),
        fingerprint=Finding.fingerprint_for(rule.id, resource),
    )


_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.]+)\}")


def template_fields(template: str) -> list[str]:
    """The ``{placeholders}`` of a message template (field names or dotted paths)."""
    return _PLACEHOLDER.findall(template)


def render_message(template: str, evidence: dict[str, Any]) -> str:
    """Fill ``{field}`` placeholders with evidence values, readable for humans."""
    return _PLACEHOLDER.sub(lambda match: _human(evidence.get(match.group(1))), template)


def _human(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return ", ".join(f"{key}={_human(inner)}" for key, inner in value.items()) if value else "none"
    if isinstance(value, (list, tuple)):
        return ", ".join(_human(item) for item in value) if value else "none"
    return str(value)
