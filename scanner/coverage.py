"""Control coverage: a Statement-of-Applicability view of one scan.

For every control in the selected catalogues (ISO/IEC 27017 and 27018 by default),
not only the ones rules map to, ``build_coverage`` says who is responsible, which
rules give evidence, what those rules found, and one status an auditor can read.

Status precedence (the first that matches wins):

1. ``inherited``      - the control applies to the provider only. Its evidence is the
                        provider's certification, whatever the findings say; findings of
                        customer-side rules mapped to it are listed for information.
2. ``failing``        - at least one mapped rule has a FAIL finding.
3. ``error``          - at least one ERROR finding (permissions, throttling): the scan
                        could not decide, so the control is not shown as passing.
4. ``not-assessable`` - the control is manual-process (procedural, contractual,
                        physical), or no rule of this scan maps to it: it must be
                        assessed from process evidence, not by automation.
5. ``no-evidence``    - rules map to it but produced no finding at all (no resources of
                        the types they check in the scanned regions).
6. ``passing``        - otherwise: PASS findings only (MUTED ones possibly alongside).
                        For ``partly`` checkable controls a note says that process
                        evidence is also required.

So a manual-process or provider control is never ``passing``. MUTED findings (accepted
risks) are counted separately, listed under ``accepted_risks`` and never make a control
failing. A control whose findings are all MUTED is ``passing`` with a note saying that no
resource passed and every finding is an accepted risk.

Responsibility comes from the rule mappings' annotations for the control (one value if
they agree, ``shared`` if they differ); when no rule maps to it, from ``applies_to``:
customer -> customer, provider -> provider, both -> shared.

The rules mapped to a control are those the result records (the rules the scan ran,
with the mappings in force when it was written; see ``scanner.result_data``),
optionally restricted to ``rule_ids``, plus any rule whose findings carry a
reference to the control. Catalogues come from the result too. ``rules_evaluated`` are those with findings.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from scanner.errors import UsageError
from scanner.mappings import AppliesTo, Catalogue, Checkability, Control
from scanner.models import Finding, Responsibility, ScanMeta, ScanResult, Severity, Status
from scanner.result_data import with_rule_data

COVERAGE_SCHEMA_VERSION = "1.0"
MAX_RESOURCES = 50


class ControlStatus(str, Enum):
    INHERITED = "inherited"
    FAILING = "failing"
    ERROR = "error"
    NOT_ASSESSABLE = "not-assessable"
    NO_EVIDENCE = "no-evidence"
    PASSING = "passing"


STATUS_DESCRIPTIONS = {
    ControlStatus.FAILING: "at least one mapped rule failed on a resource",
    ControlStatus.ERROR: "no failure, but some checks could not be completed (e.g. missing permissions)",
    ControlStatus.PASSING: "the mapped rules found no failure or error on the resources they checked",
    ControlStatus.NO_EVIDENCE: "rules map to the control but found no resources to check",
    ControlStatus.NOT_ASSESSABLE: "procedural control or no rule maps to it: assess from process evidence",
    ControlStatus.INHERITED: "provider-only control: evidence is the provider's certification",
}

# The order statuses are listed in summaries and reports (most urgent first).
REPORT_ORDER = tuple(STATUS_DESCRIPTIONS)

_APPLIES_TO_RESPONSIBILITY = {
    AppliesTo.CUSTOMER: Responsibility.CUSTOMER,
    AppliesTo.PROVIDER: Responsibility.PROVIDER,
    AppliesTo.BOTH: Responsibility.SHARED,
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FindingCounts(_Strict):
    PASS: int = Field(default=0, ge=0)
    FAIL: int = Field(default=0, ge=0)
    ERROR: int = Field(default=0, ge=0)
    MUTED: int = Field(default=0, ge=0)

    @property
    def total(self) -> int:
        return self.PASS + self.FAIL + self.ERROR + self.MUTED


class ControlResource(_Strict):
    """One finding behind a control: the rule, the resource and what was found."""

    rule_id: str
    status: Status
    severity: Severity
    resource_type: str
    resource_id: str
    region: str
    arn: str | None = None
    name: str | None = None
    message: str


class ControlCoverage(_Strict):
    id: str
    title: str
    applies_to: AppliesTo
    checkability: Checkability
    cloud_guidance: bool
    responsibility: Responsibility
    status: ControlStatus
    iso27001_2022: tuple[str, ...]
    provider_evidence: str | None = Field(
        default=None, description="How to obtain the provider's evidence (provider and both controls only)."
    )
    catalogue_notes: str | None = None
    rules: tuple[str, ...] = Field(description="Rule ids mapped to the control for this scan.")
    rules_evaluated: tuple[str, ...] = Field(description="Mapped rules that produced findings in this scan.")
    counts: FindingCounts
    resources: tuple[ControlResource, ...] = Field(description="FAIL and ERROR findings, failures first.")
    resources_truncated: int = Field(ge=0, description="FAIL/ERROR findings left out of `resources`.")
    accepted_risks: tuple[ControlResource, ...] = Field(description="MUTED findings (accepted risks).")
    accepted_risks_truncated: int = Field(ge=0)
    notes: tuple[str, ...] = ()


class FrameworkSummary(_Strict):
    total: int
    by_status: dict[str, int]


class FrameworkCoverage(_Strict):
    framework: str
    name: str
    summary: FrameworkSummary
    controls: tuple[ControlCoverage, ...]


class Coverage(_Strict):
    schema_version: str = COVERAGE_SCHEMA_VERSION
    scan: ScanMeta
    frameworks: tuple[FrameworkCoverage, ...]


def build_coverage(
    result: ScanResult,
    frameworks: Sequence[str] | None = None,
    *,
    rule_ids: Collection[str] | None = None,
    max_resources: int = MAX_RESOURCES,
) -> Coverage:
    """The coverage of every control of ``frameworks`` by ``result``.

    ``frameworks`` defaults to those the scan was limited to (``--framework``), else
    all catalogues. ``rule_ids`` defaults to the rules the scan ran: mapped rules
    outside it are ignored, so a ``--rule`` filtered scan shows unscanned controls
    as not assessable rather than as having no evidence.
    """
    if frameworks is None and result.scan.frameworks:
        frameworks = result.scan.frameworks
    if rule_ids is None and result.scan.rule_ids:
        rule_ids = result.scan.rule_ids
    result = with_rule_data(result)
    known = {catalogue.framework: catalogue for catalogue in result.catalogues}
    selected = _select_frameworks(known, frameworks)
    mapped = _mapped_rules(result, rule_ids)
    by_rule: dict[str, list[Finding]] = {}
    for finding in result.findings:
        by_rule.setdefault(finding.rule_id, []).append(finding)

    framework_coverages = []
    for catalogue in selected:
        controls = tuple(
            _control_coverage(
                control, mapped.get((catalogue.framework, control.id), {}), by_rule, max_resources=max_resources
            )
            for control in catalogue.controls
        )
        by_status = {status.value: 0 for status in REPORT_ORDER}
        for control in controls:
            by_status[control.status.value] += 1
        framework_coverages.append(
            FrameworkCoverage(
                framework=catalogue.framework,
                name=catalogue.name,
                summary=FrameworkSummary(total=len(controls), by_status=by_status),
                controls=controls,
            )
        )
    return Coverage(scan=result.scan, frameworks=tuple(framework_coverages))


def _select_frameworks(known: dict[str, Catalogue], frameworks: Sequence[str] | None) -> list[Catalogue]:
    if frameworks is None:
        return list(known.values())
    unknown = [name for name in frameworks if name not in known]
    if unknown:
        raise UsageError(f"unknown framework {unknown[0]!r} (choose from {', '.join(known)})")
    wanted = set(frameworks)
    return [catalogue for name, catalogue in known.items() if name in wanted]


def _mapped_rules(
    result: ScanResult, rule_ids: Collection[str] | None
) -> dict[tuple[str, str], dict[str, set[Responsibility]]]:
    """(framework, control) -> rule id -> responsibility annotations."""
    mapped: dict[tuple[str, str], dict[str, set[Responsibility]]] = {}
    prefix = f"{result.scan.provider}."
    for record in result.rules:
        rule_id = record.id
        if not rule_id.startswith(prefix) or (rule_ids is not None and rule_id not in rule_ids):
            continue
        for mapping in record.controls:
            mapped.setdefault((mapping.framework, mapping.control), {}).setdefault(rule_id, set()).add(
                mapping.responsibility
            )
    # Findings carry the control references made at scan time; honour them too (e.g. a saved report).
    for finding in result.findings:
        for ref in finding.controls:
            mapped.setdefault((ref.framework, ref.id), {}).setdefault(finding.rule_id, set()).add(ref.responsibility)
    return mapped


def _control_coverage(
    control: Control,
    rules: dict[str, set[Responsibility]],
    by_rule: dict[str, list[Finding]],
    *,
    max_resources: int,
) -> ControlCoverage:
    findings = [finding for rule_id in rules for finding in by_rule.get(rule_id, ())]
    counts = FindingCounts(**{status.value: sum(f.status is status for f in findings) for status in Status})
    problems = _resources(f for f in findings if f.status in (Status.FAIL, Status.ERROR))
    muted = _resources(f for f in findings if f.status is Status.MUTED)
    status, notes = _status(control, bool(rules), counts)
    return ControlCoverage(
        id=control.id,
        title=control.title,
        applies_to=control.applies_to,
        checkability=control.checkability,
        cloud_guidance=control.cloud_guidance,
        responsibility=_responsibility(control, rules),
        status=status,
        iso27001_2022=control.iso27001_2022,
        provider_evidence=control.provider_evidence if control.applies_to is not AppliesTo.CUSTOMER else None,
        catalogue_notes=control.notes,
        rules=tuple(sorted(rules)),
        rules_evaluated=tuple(sorted(rule_id for rule_id in rules if rule_id in by_rule)),
        counts=counts,
        resources=tuple(problems[:max_resources]),
        resources_truncated=max(0, len(problems) - max_resources),
        accepted_risks=tuple(muted[:max_resources]),
        accepted_risks_truncated=max(0, len(muted) - max_resources),
        notes=tuple(notes),
    )


def _status(control: Control, mapped: bool, counts: FindingCounts) -> tuple[ControlStatus, list[str]]:
    """The control status per the precedence in the module docstring, with explanatory notes."""
    notes = []
    if counts.MUTED:
        notes.append(f"{counts.MUTED} finding(s) are accepted risks (MUTED) and do not count against the control.")
    if control.applies_to is AppliesTo.PROVIDER:
        notes.append("Provider responsibility: rely on the provider's certification and audit report.")
        if counts.FAIL or counts.ERROR:
            notes.append(
                f"Customer-side rules mapped here report {counts.FAIL} FAIL and {counts.ERROR} ERROR finding(s); "
                "they are listed for information and do not change the inherited status."
            )
        return ControlStatus.INHERITED, notes
    if counts.FAIL:
        return ControlStatus.FAILING, notes
    if counts.ERROR:
        notes.append("Some checks could not be completed (see the ERROR findings); the control cannot be confirmed.")
        return ControlStatus.ERROR, notes
    if control.checkability is Checkability.MANUAL:
        notes.append("Procedural, contractual or physical control: assess from documented process evidence.")
        return ControlStatus.NOT_ASSESSABLE, notes
    if not mapped:
        notes.append("No rule of this scan maps to this control: assess it manually.")
        return ControlStatus.NOT_ASSESSABLE, notes
    if not counts.total:
        notes.append("No resources of the types the mapped rules check were found in the scanned regions.")
        return ControlStatus.NO_EVIDENCE, notes
    if not counts.PASS:
        notes.append("No resource passed: every finding is an accepted risk.")
    if control.checkability is Checkability.PARTLY:
        notes.append("Configuration gives partial evidence only: process evidence is also required.")
    return ControlStatus.PASSING, notes


def _responsibility(control: Control, rules: dict[str, set[Responsibility]]) -> Responsibility:
    annotations = set().union(*rules.values()) if rules else set()
    if len(annotations) == 1:
        return next(iter(annotations))
    if annotations:
        return Responsibility.SHARED
    return _APPLIES_TO_RESPONSIBILITY[control.applies_to]


def _resources(findings: Iterable[Finding]) -> list[ControlResource]:
    entries = [
        ControlResource(
            rule_id=finding.rule_id,
            status=finding.status,
            severity=finding.severity,
            resource_type=finding.resource.type,
            resource_id=finding.resource.id,
            region=finding.resource.region,
            arn=finding.resource.arn,
            name=finding.resource.name,
            message=finding.message,
        )
        for finding in findings
    ]
    return sorted(
        entries,
        key=lambda entry: (
            entry.status.urgency,
            -entry.severity.rank,
            entry.rule_id,
            entry.region,
            entry.resource_type,
            entry.resource_id,
            entry.message,
        ),
    )
