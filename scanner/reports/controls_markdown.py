"""The control coverage report as Markdown: a Statement-of-Applicability view an auditor can read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from scanner.coverage import (
    REPORT_ORDER,
    STATUS_DESCRIPTIONS,
    ControlCoverage,
    ControlResource,
    ControlStatus,
    Coverage,
    FrameworkCoverage,
    build_coverage,
)
from scanner.models import Responsibility, ScanResult

TABLE_HEADER = ("Control", "Title", "Applies to", "Responsibility", "Status", "PASS/FAIL/ERROR", "ISO 27001:2022")

RESPONSIBILITY_DESCRIPTIONS = {
    Responsibility.CUSTOMER: "the customer configures and operates the control in its own account",
    Responsibility.SHARED: "the provider supplies the facility, the customer must enable and configure it",
    Responsibility.PROVIDER: "the provider alone; the evidence is the provider's certification",
}


def render(result: ScanResult, coverage: Coverage | None = None) -> str:
    return render_coverage(coverage or build_coverage(result))


def render_coverage(coverage: Coverage) -> str:
    scan = coverage.scan
    lines = [
        f"# Control coverage: {scan.provider} account {scan.account}",
        "",
        f"Regions: {', '.join(scan.regions) or 'none'} · scanned {scan.started:%Y-%m-%d %H:%M} UTC · "
        f"{scan.rules_evaluated} rules · {scan.resources_scanned} resources · {scan.tool} {scan.tool_version}",
        "",
        "Each control of the catalogues is listed, mapped or not. Automated checks give evidence about the "
        "account's configuration only; they do not replace the assessment of policies and processes.",
        "",
        "## Legend",
        "",
        "Status:",
        "",
    ]
    lines += [f"- {_marker(status)}: {description}" for status, description in STATUS_DESCRIPTIONS.items()]
    lines += ["", "Responsibility:", ""]
    lines += [f"- {r.value}: {description}" for r, description in RESPONSIBILITY_DESCRIPTIONS.items()]
    lines += ["", "PASS/FAIL/ERROR counts findings of the mapped rules; accepted risks (MUTED) are shown apart.", ""]

    for framework in coverage.frameworks:
        lines += _framework_section(framework)

    lines += ["## Failing controls", ""]
    lines += _resource_sections(coverage, ControlStatus.FAILING, "No control is failing.")
    errors = _controls_with(coverage, ControlStatus.ERROR)
    if errors:
        lines += ["## Controls with incomplete checks", ""]
        lines += _resource_sections(coverage, ControlStatus.ERROR, "")
    if any(control.accepted_risks for _, control in _all_controls(coverage)):
        lines += ["## Accepted risks", ""]
        lines += _accepted_risk_sections(coverage)
    lines += ["## Inherited from the provider", ""]
    lines += _inherited_section(coverage)
    return "\n".join(lines).rstrip("\n") + "\n"


def _framework_section(framework: FrameworkCoverage) -> list[str]:
    counts = framework.summary.by_status
    summary = ", ".join(f"{counts[status.value]} {status.value}" for status in REPORT_ORDER)
    lines = [f"## {framework.name}", "", f"{framework.summary.total} controls: {summary}.", ""]
    rows = [
        (
            control.id,
            control.title,
            control.applies_to.value,
            control.responsibility.value,
            _marker(control.status),
            _counts(control),
            ", ".join(control.iso27001_2022),
        )
        for control in framework.controls
    ]
    return lines + _table(TABLE_HEADER, rows) + [""]


def _resource_sections(coverage: Coverage, status: ControlStatus, empty: str) -> list[str]:
    selected = _controls_with(coverage, status)
    if not selected:
        return [empty, ""] if empty else []
    lines: list[str] = []
    for framework, control in selected:
        lines += [f"### {framework.name} {control.id}: {control.title}", ""]
        lines += [f"Responsibility: {control.responsibility.value}. Rules: {_code_list(control.rules_evaluated)}.", ""]
        lines += _resource_table(control.resources, control.resources_truncated)
    return lines


def _accepted_risk_sections(coverage: Coverage) -> list[str]:
    lines: list[str] = []
    for framework, control in _all_controls(coverage):
        if control.accepted_risks:
            lines += [f"### {framework.name} {control.id}: {control.title}", ""]
            lines += _resource_table(control.accepted_risks, control.accepted_risks_truncated)
    return lines


def _resource_table(resources: Sequence[ControlResource], truncated: int) -> list[str]:
    rows = [
        (
            f"`{entry.rule_id}`",
            entry.status.value,
            f"{entry.resource_type} {entry.arn or entry.resource_id}",
            entry.region,
            entry.message,
        )
        for entry in resources
    ]
    lines = _table(("Rule", "Result", "Resource", "Region", "Message"), rows)
    if truncated:
        lines += ["", f"... and {truncated} more (see the JSON report or findings.json)."]
    return lines + [""]


def _inherited_section(coverage: Coverage) -> list[str]:
    lines: list[str] = []
    for framework in coverage.frameworks:
        inherited = [control for control in framework.controls if control.status is ControlStatus.INHERITED]
        if not inherited:
            continue
        lines += [f"### {framework.name}", ""]
        # Group controls that share the same evidence instructions, keeping catalogue order.
        groups: dict[str, list[ControlCoverage]] = {}
        for control in inherited:
            groups.setdefault(control.provider_evidence or "Ask the provider for its audit evidence.", []).append(
                control
            )
        for evidence, controls in groups.items():
            lines += [f"- **{control.id}** {_one_line(control.title)}" for control in controls]
            lines += ["", f"Evidence: {_one_line(evidence)}", ""]
    return lines or ["No control of the selected frameworks is provider-only.", ""]


def _controls_with(coverage: Coverage, status: ControlStatus) -> list[tuple[FrameworkCoverage, ControlCoverage]]:
    return [(framework, control) for framework, control in _all_controls(coverage) if control.status is status]


def _all_controls(coverage: Coverage) -> Iterable[tuple[FrameworkCoverage, ControlCoverage]]:
    for framework in coverage.frameworks:
        for control in framework.controls:
            yield framework, control


def _marker(status: ControlStatus) -> str:
    return f"**{status.value.upper()}**"


def _counts(control: ControlCoverage) -> str:
    counts = control.counts
    text = f"{counts.PASS}/{counts.FAIL}/{counts.ERROR}"
    return f"{text} (+{counts.MUTED} muted)" if counts.MUTED else text


def _code_list(items: Sequence[str]) -> str:
    return ", ".join(f"`{item}`" for item in items) or "none"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = [_row(header), _row(["---"] * len(header))]
    lines += [_row(row) for row in rows]
    return lines


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def _cell(text: str) -> str:
    return _one_line(text).replace("\\", "\\\\").replace("|", "\\|")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
