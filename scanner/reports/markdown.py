"""The findings report as GitHub-flavoured Markdown (findings.md).

Written for a GitHub Actions step summary or a pull-request comment: a reader sees in
one screen what failed, which ISO controls that touches, what is new since the baseline
and whether the scan was complete. Every list is capped ("... and N more") and every
cell is cut short, so even a scan of a large estate stays far below GitHub's limits
(1 MiB for a step summary); findings.json remains the full record. Output depends on
the ``ScanResult`` only, so it is deterministic and diffs cleanly between runs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from scanner.coverage import ControlStatus, Coverage, build_coverage
from scanner.models import Finding, ScanResult, Severity, Status, worst_first

# Caps on each list; findings.json has everything.
MAX_RULES = 15
MAX_CONTROLS = 30
MAX_FINDINGS = 50
MAX_ERRORS = 20
MAX_WAIVERS = 20
MAX_CELL = 200


# Characters with a meaning in Markdown or HTML: backslash-escaped so data renders literally
# (a ``<trail>`` placeholder must not vanish as an HTML tag, a ``|`` must not split a cell).
_SPECIAL = set("\\`*_[]<>|~&#!")
_RULE_ID = re.compile(r"[a-z0-9_.]{1,100}")


def render(result: ScanResult, coverage: Coverage | None = None, *, limit: int = MAX_FINDINGS) -> str:
    """The report; ``limit`` caps the finding tables (new, resolved, failing findings).

    ``coverage`` is the scan's control coverage when the caller has built it already.
    """
    lines = _header(result)
    lines += _incomplete(result)
    lines += _summary(result)
    if result.baseline is not None:
        lines += _baseline(result, limit)
    lines += _top_rules(result)
    lines += _controls(coverage or build_coverage(result))
    lines += _failing_findings(result, limit)
    lines += _errors(result)
    lines += _waivers(result)
    return "\n".join(lines).rstrip("\n") + "\n"


def _header(result: ScanResult) -> list[str]:
    scan, summary = result.scan, result.summary
    failed = summary.by_status["FAIL"]
    severities = ", ".join(
        f"{summary.failed_by_severity[s.value]} {s.value}" for s in Severity if summary.failed_by_severity[s.value]
    )
    seconds = (scan.finished - scan.started).total_seconds()
    return [
        f"## cloudscan: {_text(scan.provider)} account {_text(scan.account)}",
        "",
        f"**{failed} failed**{f' ({severities})' if severities else ''} · "
        f"{summary.by_status['ERROR']} error findings · {summary.errors} scan errors · "
        f"{summary.by_status['MUTED']} accepted risks · {summary.by_status['PASS']} passed",
        "",
        f"Regions: {_text(', '.join(scan.regions) or 'none')} · scanned {scan.started:%Y-%m-%d %H:%M} UTC "
        f"({seconds:.0f}s) · {scan.resources_scanned} resources · {scan.rules_evaluated} rules · "
        f"{_text(scan.tool)} {_text(scan.tool_version)}",
        "",
    ]


def _incomplete(result: ScanResult) -> list[str]:
    error_findings = result.summary.by_status["ERROR"]
    if not result.errors and not error_findings:
        return []
    return [
        "> [!WARNING]",
        f"> **Scan incomplete:** {len(result.errors)} scan error(s) and {error_findings} ERROR finding(s). "
        "Some checks could not be completed (often missing permissions); a clean result does not prove compliance.",
        "",
    ]


def _summary(result: ScanResult) -> list[str]:
    summary = result.summary
    lines = ["### Failed findings by severity", ""]
    lines += _table([s.value for s in Severity], [[str(summary.failed_by_severity[s.value]) for s in Severity]])
    lines += ["", "### Findings by status", ""]
    lines += _table(
        [s.value for s in Status] + ["total"],
        [[*(str(summary.by_status[s.value]) for s in Status), str(summary.total)]],
    )
    return lines + [""]


def _baseline(result: ScanResult, limit: int) -> list[str]:
    baseline = result.baseline
    assert baseline is not None
    new = _ordered(f for f in result.findings if f.baseline == "new")
    lines = [
        "### New since baseline",
        "",
        f"Compared with {_text(baseline.source)}: **{baseline.new} new**, {baseline.unchanged} unchanged, "
        f"{len(baseline.resolved)} resolved.",
        "",
    ]
    if new:
        lines += _finding_table(new, limit)
    else:
        lines += ["No new findings.", ""]
    if baseline.resolved:
        resolved = sorted(
            baseline.resolved,
            key=lambda r: (-r.severity.rank, r.rule_id, r.resource.region, r.resource.type, r.resource.id),
        )
        lines += ["#### Resolved since baseline", ""]
        rows = [
            [r.severity.value, _code(r.rule_id), _resource(r.resource), r.resource.region] for r in resolved[:limit]
        ]
        lines += _table(["Severity", "Rule", "Resource", "Region"], rows, escape=False)
        lines += _more(len(resolved) - limit)
    return lines


def _top_rules(result: ScanResult) -> list[str]:
    failing = Counter(f.rule_id for f in result.findings if f.status is Status.FAIL)
    lines = ["### Top failing rules", ""]
    if not failing:
        return lines + ["No rule failed.", ""]
    first = {}
    for finding in result.findings:
        first.setdefault(finding.rule_id, finding)
    ordered = sorted(failing, key=lambda rule_id: (-first[rule_id].severity.rank, -failing[rule_id], rule_id))
    rows = [
        [first[r].severity.value, _code(r), str(failing[r]), _text(_cut(first[r].title))] for r in ordered[:MAX_RULES]
    ]
    lines += _table(["Severity", "Rule", "Failed", "Title"], rows, escape=False)
    return lines + _more(len(ordered) - MAX_RULES)


def _controls(coverage: Coverage) -> list[str]:
    lines = ["### Failing controls", ""]
    for framework in coverage.frameworks:
        failing = [c for c in framework.controls if c.status is ControlStatus.FAILING]
        lines += [f"**{_text(framework.name)}**: {len(failing)} of {framework.summary.total} controls failing", ""]
        if not failing:
            continue
        rows = [
            [_text(c.id), _text(_cut(c.title)), c.responsibility.value, str(c.counts.FAIL), str(len(c.rules_evaluated))]
            for c in failing[:MAX_CONTROLS]
        ]
        lines += _table(
            ["Control", "Title", "Responsibility", "Failed findings", "Rules evaluated"], rows, escape=False
        )
        lines += _more(len(failing) - MAX_CONTROLS)
    return lines


def _failing_findings(result: ScanResult, limit: int) -> list[str]:
    failing = _ordered(f for f in result.findings if f.status is Status.FAIL)
    if not failing:
        return []
    lines = ["<details>", f"<summary>Failed findings ({len(failing)})</summary>", ""]
    lines += _finding_table(failing, limit)
    return lines + ["</details>", ""]


def _errors(result: ScanResult) -> list[str]:
    if not result.errors:
        return []
    errors = sorted(result.errors, key=lambda e: (e.service, e.operation, e.region, e.code, e.message))
    rows = [[e.service, e.operation, e.region, e.code, _cut(e.message)] for e in errors[:MAX_ERRORS]]
    lines = ["### Scan errors", ""]
    lines += _table(["Service", "Operation", "Region", "Code", "Message"], rows)
    return lines + _more(len(errors) - MAX_ERRORS)


def _waivers(result: ScanResult) -> list[str]:
    muted = result.summary.by_status["MUTED"]
    active = [w for w in result.waivers if w.state == "active"]
    lines = []
    if muted or result.waivers:
        lines += ["### Waivers", "", f"Accepted risks: {muted} finding(s) muted by {len(active)} active waiver(s).", ""]
    for state, heading in (("expired", "Expired waivers (no longer mute)"), ("stale", "Stale waivers (match nothing)")):
        waivers = sorted((w for w in result.waivers if w.state == state), key=lambda w: (w.expires, w.id))
        if not waivers:
            continue
        rows = [[w.id, w.rule, w.owner, w.expires.isoformat(), _cut(w.reason)] for w in waivers[:MAX_WAIVERS]]
        lines += [f"**{heading}**", ""]
        lines += _table(["Waiver", "Rule", "Owner", "Expires", "Reason"], rows)
        lines += _more(len(waivers) - MAX_WAIVERS)
    return lines


def _finding_table(findings: Sequence[Finding], limit: int) -> list[str]:
    rows = [
        [
            f.status.value,
            f.severity.value,
            _code(f.rule_id),
            _resource(f.resource),
            _text(f.resource.region),
            _text(_cut(f.message)),
        ]
        for f in findings[:limit]
    ]
    lines = _table(["Status", "Severity", "Rule", "Resource", "Region", "Message"], rows, escape=False)
    return lines + _more(len(findings) - limit)


def _ordered(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=worst_first)


def _resource(resource) -> str:
    return _text(_cut(f"{resource.type} {resource.name or resource.id}"))


def _more(hidden: int) -> list[str]:
    return ["", f"... and {hidden} more (see findings.json).", ""] if hidden > 0 else [""]


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], *, escape: bool = True) -> list[str]:
    """A GFM table; cells are escaped unless the caller already built them from escaped parts."""
    cell = _text if escape else _one_line
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def _code(rule_id: str) -> str:
    """A rule id as a code span when it is a plain id (a code span cannot escape anything), else as text."""
    return f"`{rule_id}`" if _RULE_ID.fullmatch(rule_id) else _text(rule_id)


def _cut(text: str) -> str:
    text = _one_line(text)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _text(text: str) -> str:
    """Data as literal Markdown text on one line: special characters backslash-escaped."""
    return "".join(f"\\{char}" if char in _SPECIAL else char for char in _one_line(text))


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
