"""The terminal summary printed at the end of a scan."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from scanner.coverage import Coverage
from scanner.models import ScanResult, Severity, Status

_SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}
_TOP_RULES = 10
_ERRORS_SHOWN = 10


def print_summary(
    console: Console, result: ScanResult, coverage: Coverage, written: list[Path], fail_on: str, exit_code: int
) -> None:
    scan = result.scan
    console.print(
        f"[bold]cloudscan[/] {scan.provider} account [bold]{scan.account}[/] · {len(scan.regions)} region(s) · "
        f"{scan.resources_scanned} resources · {scan.rules_evaluated} rules · "
        f"{(scan.finished - scan.started).total_seconds():.1f}s",
        highlight=False,
    )
    by_status = result.summary.by_status
    status_table = Table(title="Findings", show_header=True, header_style="bold")
    for status in Status:
        status_table.add_column(status.value, justify="right")
    status_table.add_row(*(str(by_status[status.value]) for status in Status))
    console.print(status_table)

    severity_table = Table(title="Failing by severity", show_header=True, header_style="bold")
    for severity in Severity:
        severity_table.add_column(severity.value, justify="right", style=_SEVERITY_STYLE[severity.value])
    severity_table.add_row(*(str(result.summary.failed_by_severity[s.value]) for s in Severity))
    console.print(severity_table)

    failing = Counter(f.rule_id for f in result.findings if f.status is Status.FAIL)
    if failing:
        severity_of = {f.rule_id: f.severity for f in result.findings}
        title_of = {f.rule_id: f.title for f in result.findings}
        ordered = sorted(failing, key=lambda rule_id: (-severity_of[rule_id].rank, -failing[rule_id], rule_id))
        shown = ordered[:_TOP_RULES]
        width = max(len(rule_id) for rule_id in shown)
        console.print("[bold]Top failing rules[/]")
        console.print(f"  [bold]{'SEVERITY':<9} {'FAILED':>6}  {'RULE':<{width}}  TITLE[/]")
        for rule_id in shown:
            severity = severity_of[rule_id].value
            console.print(
                f"  [{_SEVERITY_STYLE[severity]}]{severity:<9}[/] {failing[rule_id]:>6}  {rule_id:<{width}}  "
                f"{title_of[rule_id]}",
                no_wrap=True,
                overflow="ellipsis",
                highlight=False,
            )

    errors = [f for f in result.findings if f.status is Status.ERROR]
    if result.errors or errors:
        console.print(
            f"[bold yellow]Scan incomplete:[/] {len(result.errors)} scan error(s), {len(errors)} ERROR finding(s)"
        )
        for error in result.errors[:_ERRORS_SHOWN]:
            console.print(
                f"  {error.service} {error.operation} in {error.region}: {error.code}: {error.message}",
                markup=False,
                highlight=False,
            )
        if len(result.errors) > _ERRORS_SHOWN:
            console.print(f"  … and {len(result.errors) - _ERRORS_SHOWN} more in the report")
    _print_control_summary(console, coverage, written)
    _print_waivers(console, result)
    if result.baseline is not None:
        baseline = result.baseline
        console.print(
            f"Since baseline {baseline.source}: [bold]{baseline.new} new[/], {baseline.unchanged} unchanged, "
            f"{len(baseline.resolved)} resolved"
        )
    for path in written:
        console.print(f"Wrote {path}", markup=False, highlight=False)
    console.print(f"Exit code {exit_code} (--fail-on {fail_on})", markup=False, highlight=False)


def _print_control_summary(console: Console, coverage: Coverage, written: list[Path]) -> None:
    """One line per framework: how many controls this scan shows failing."""
    for framework in coverage.frameworks:
        counts = framework.summary.by_status
        console.print(
            f"{framework.name}: [bold red]{counts['failing']}[/] of {framework.summary.total} controls failing, "
            f"{counts['passing']} passing, {counts['inherited']} inherited from the provider",
            highlight=False,
        )
    source = next((path for path in written if path.name == "findings.json"), None)
    if source is not None:
        console.print(f"  details per control: cloudscan controls --from {source}", markup=False, highlight=False)


def _print_waivers(console: Console, result: ScanResult) -> None:
    if not result.waivers:
        return
    active = [w for w in result.waivers if w.state == "active"]
    console.print(
        f"Waivers: {len(active)} active muting {sum(w.matched for w in active)} finding(s), "
        f"{sum(w.state == 'expired' for w in result.waivers)} expired, "
        f"{sum(w.state == 'stale' for w in result.waivers)} stale"
    )
    for waiver in result.waivers:
        if waiver.state == "expired":
            console.print(
                f"  [yellow]expired[/] {waiver.id} ({waiver.rule}) on {waiver.expires}: "
                f"{waiver.matched} finding(s) fail again; owner {waiver.owner}",
                highlight=False,
            )
        elif waiver.state == "stale":
            console.print(f"  [dim]stale[/] {waiver.id} ({waiver.rule}) matches no failing finding", highlight=False)


_COVERAGE_STYLE = {
    "failing": "bold red",
    "error": "yellow",
    "passing": "green",
    "no-evidence": "dim",
    "not-assessable": "dim",
    "inherited": "cyan",
}


def print_coverage(console: Console, coverage: Coverage, written: list[Path]) -> None:
    """Per framework: control counts by status, then the failing controls."""
    scan = coverage.scan
    console.print(f"[bold]Control coverage[/] · {scan.provider} account [bold]{scan.account}[/]")
    for framework in coverage.frameworks:
        counts = ", ".join(
            f"[{_COVERAGE_STYLE.get(status, '')}]{count} {status}[/]"
            for status, count in framework.summary.by_status.items()
            if count
        )
        console.print(f"{framework.name}: {framework.summary.total} controls: {counts}")
        for control in framework.controls:
            if control.status.value == "failing":
                console.print(
                    f"  [bold red]FAILING[/] {control.id:<11} {control.counts.FAIL:>3} failed  {control.title}",
                    no_wrap=True,
                    overflow="ellipsis",
                    highlight=False,
                )
    for path in written:
        console.print(f"Wrote {path}", markup=False, highlight=False)


def print_catalogue(console: Console, frameworks: list[str] | tuple[str, ...]) -> None:
    """Each control with who it applies to, how checkable it is, and the rules mapped to it."""
    from scanner.mappings import catalogues, rule_maps

    mapped: dict[tuple[str, str], list[str]] = {}
    for rule_id, mappings in rule_maps().items():
        for mapping in mappings:
            mapped.setdefault((mapping.framework, mapping.control), []).append(rule_id)
    for framework in frameworks:
        catalogue = catalogues()[framework]
        console.print(f"[bold]{catalogue.name}[/] ({len(catalogue.controls)} controls)")
        console.print(f"  [bold]{'CONTROL':<11} {'APPLIES TO':<10} {'CHECKABLE':<14} {'RULES':>5}  TITLE[/]")
        for control in catalogue.controls:
            rules = mapped.get((framework, control.id), [])
            console.print(
                f"  {control.id:<11} {control.applies_to.value:<10} {control.checkability.value:<14} "
                f"{len(rules):>5}  {control.title}",
                no_wrap=True,
                overflow="ellipsis",
                highlight=False,
                markup=False,
            )
