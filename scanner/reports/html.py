"""The findings report as one self-contained HTML file (findings.html).

The file is opened from disk, mailed around and attached to CI runs, so it must work
offline and must not leak that it was opened: CSS and JS are inlined from ``assets/``,
there are no fonts, images or CDN links, and a Content-Security-Policy forbids any
remote load. Findings travel as a JSON data island (``<`` ``>`` ``&`` escaped so no
value can close the script element) that a small script renders with ``textContent``
only. The summary, top rules and control coverage are rendered server-side with
``html.escape``, so they stay readable with JavaScript off. Output depends on the
``ScanResult`` only (deterministic).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache
from html import escape
from importlib.resources import files
from typing import Any

from scanner.coverage import ControlStatus, Coverage, build_coverage
from scanner.models import Finding, ScanResult, Severity, Status, worst_first

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)
ROWS_PER_PAGE = 500  # findings rendered at once; "Show more" adds as many again
MAX_LIST = 100  # server-rendered lists (resolved findings, errors, waivers)


def render(result: ScanResult, coverage: Coverage | None = None) -> str:
    """The page; ``coverage`` is the scan's control coverage when the caller has built it already."""
    scan = result.scan
    coverage = coverage or build_coverage(result)
    title = f"cloudscan: {scan.provider} account {scan.account}"
    seconds = (scan.finished - scan.started).total_seconds()
    subtitle = (
        f"Regions: {', '.join(scan.regions) or 'none'} · scanned {scan.started:%Y-%m-%d %H:%M} UTC ({seconds:.0f}s) · "
        f"{scan.resources_scanned} resources · {scan.rules_evaluated} rules · {scan.tool} {scan.tool_version}"
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',  # a constant without quotes
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',
        f"<title>{_e(title)}</title>",
        f"<style>{_asset('report.css')}</style></head>",
        "<body>",
        f'<header class="top"><h1>{_e(title)}</h1><p>{_e(subtitle)}</p></header>',
        "<main>",
        *_summary(result, coverage),
        '<nav class="tabs"><a href="#findings-tab" class="active">Findings</a>'
        '<a href="#coverage-tab">Control coverage</a></nav>',
        *_findings_section(),
        *_coverage_section(coverage),
        "</main>",
        '<dialog id="detail"><div class="head"><div><h2 id="detail-title"></h2>'
        '<div id="detail-sub" class="mono small"></div></div>'
        '<button id="detail-close" type="button">Close</button></div>'
        '<div class="body" id="detail-body"></div></dialog>',
        f'<script type="application/json" id="cloudscan-data">{_json_island(_data(result, coverage))}</script>',
        f"<script>{_asset('report.js')}</script>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _summary(result: ScanResult, coverage: Coverage) -> list[str]:
    summary = result.summary
    out = ['<section id="summary">']
    error_findings = summary.by_status["ERROR"]
    if result.errors or error_findings:
        out.append(
            f'<p class="warning"><strong>Scan incomplete:</strong> {len(result.errors)} scan error(s) and '
            f"{error_findings} ERROR finding(s). Some checks could not be completed (often missing permissions).</p>"
        )
    cards = [("fail", "Failed", summary.by_status["FAIL"])]
    cards += [(s.value, s.value, summary.failed_by_severity[s.value]) for s in Severity]
    cards += [
        ("error", "Errors", error_findings + summary.errors),
        ("muted", "Accepted risks", summary.by_status["MUTED"]),
        ("pass", "Passed", summary.by_status["PASS"]),
    ]
    out.append('<div class="cards">')
    out += [
        f'<div class="card {cls}"><div class="value">{value}</div><div class="label">{_e(label)}</div></div>'
        for cls, label, value in cards
    ]
    for framework in coverage.frameworks:
        failing = framework.summary.by_status[ControlStatus.FAILING.value]
        out.append(
            f'<div class="card"><div class="value">{failing}/{framework.summary.total}</div>'
            f'<div class="label">{_e(framework.name)} controls failing</div></div>'
        )
    out.append("</div>")
    out += _baseline(result)
    out += _top_rules(result)
    out += _errors(result)
    out += _waivers(result)
    return out + ["</section>"]


def _baseline(result: ScanResult) -> list[str]:
    baseline = result.baseline
    if baseline is None:
        return []
    out = [
        "<h2>New since baseline</h2>",
        f"<p>Compared with {_e(baseline.source)}: <strong>{baseline.new} new</strong>, {baseline.unchanged} unchanged, "
        f'{len(baseline.resolved)} resolved. New findings carry a <span class="badge new">new</span> mark below.</p>',
    ]
    if baseline.resolved:
        resolved = sorted(
            baseline.resolved,
            key=lambda r: (-r.severity.rank, r.rule_id, r.resource.region, r.resource.type, r.resource.id),
        )
        rows = [
            [r.severity.value, r.rule_id, f"{r.resource.type} {r.resource.name or r.resource.id}", r.resource.region]
            for r in resolved
        ]
        out += ["<h3>Resolved since baseline</h3>", *_table(["Severity", "Rule", "Resource", "Region"], rows)]
    return out


def _top_rules(result: ScanResult) -> list[str]:
    failing = Counter(f.rule_id for f in result.findings if f.status is Status.FAIL)
    if not failing:
        return ["<h2>Top failing rules</h2>", "<p>No rule failed.</p>"]
    first: dict[str, Finding] = {}
    for finding in result.findings:
        first.setdefault(finding.rule_id, finding)
    ordered = sorted(failing, key=lambda rule_id: (-first[rule_id].severity.rank, -failing[rule_id], rule_id))
    rows = [[first[r].severity.value, r, str(failing[r]), first[r].title] for r in ordered]
    return ["<h2>Top failing rules</h2>", *_table(["Severity", "Rule", "Failed", "Title"], rows, limit=15)]


def _errors(result: ScanResult) -> list[str]:
    if not result.errors:
        return []
    errors = sorted(result.errors, key=lambda e: (e.service, e.operation, e.region, e.code, e.message))
    rows = [[e.service, e.operation, e.region, e.code, e.message] for e in errors]
    return ["<h2>Scan errors</h2>", *_table(["Service", "Operation", "Region", "Code", "Message"], rows)]


def _waivers(result: ScanResult) -> list[str]:
    out = []
    if result.summary.by_status["MUTED"] or result.waivers:
        active = sum(w.state == "active" for w in result.waivers)
        muted = result.summary.by_status["MUTED"]
        out += [
            "<h2>Waivers</h2>",
            f"<p>Accepted risks: {muted} finding(s) muted by {active} active waiver(s).</p>",
        ]
    for state, heading in (("expired", "Expired waivers (no longer mute)"), ("stale", "Stale waivers (match nothing)")):
        waivers = sorted((w for w in result.waivers if w.state == state), key=lambda w: (w.expires, w.id))
        if waivers:
            rows = [[w.id, w.rule, w.owner, w.expires.isoformat(), w.reason] for w in waivers]
            out += [f"<h3>{_e(heading)}</h3>", *_table(["Waiver", "Rule", "Owner", "Expires", "Reason"], rows)]
    return out


def _findings_section() -> list[str]:
    severities = "".join(f'<option value="{s.value}">{s.value}</option>' for s in Severity)
    statuses = "".join(f'<option value="{s.value}">{s.value}</option>' for s in Status)
    headers = "".join(
        f"<th>{h}</th>" for h in ("Status", "Severity", "Rule", "Resource", "Region", "Message", "Controls")
    )
    return [
        '<section class="tab" id="findings-tab"><h2>Findings</h2>',
        '<p id="js-note" class="warning">Enable JavaScript to browse and filter the findings '
        "(the summary and the control coverage above and below do not need it).</p>",
        '<div class="filters">',
        '<label>Status<select id="f-status"><option value="open" selected>FAIL + ERROR</option>'
        f'<option value="">all</option>{statuses}</select></label>',
        f'<label>Severity<select id="f-severity"><option value="">all</option>{severities}</select></label>',
        '<label>Service<select id="f-service"><option value="">all</option></select></label>',
        '<label>Control<select id="f-control"><option value="">all</option></select></label>',
        '<label>Search<input id="f-text" type="search" placeholder="rule, resource, message"></label>',
        '<button id="reset" type="button">Reset</button>',
        "</div>",
        '<p id="findings-count" class="small"></p>',
        f'<table id="findings"><thead><tr>{headers}</tr></thead><tbody id="findings-body"></tbody></table>',
        '<p id="no-match" hidden>No finding matches the filters.</p>',
        '<button id="show-more" type="button" hidden>Show more</button>',
        "</section>",
    ]


def _coverage_section(coverage: Coverage) -> list[str]:
    out = ['<section class="tab" id="coverage-tab"><h2>Control coverage</h2>']
    for framework in coverage.frameworks:
        counts = ", ".join(f"{count} {status}" for status, count in framework.summary.by_status.items())
        out += [
            f'<h3>{_e(framework.name)}</h3><p class="small">{framework.summary.total} controls: {_e(counts)}.</p>',
            f'<table class="coverage" data-framework="{_e(framework.framework)}"><thead><tr><th>Control</th>'
            "<th>Title</th><th>Applies to</th><th>Responsibility</th><th>Status</th><th class=num>PASS</th>"
            "<th class=num>FAIL</th><th class=num>ERROR</th><th class=num>MUTED</th><th>Rules</th><th></th>"
            "</tr></thead><tbody>",
        ]
        for control in framework.controls:
            c = control.counts
            key = f"{framework.framework}:{control.id}"
            button = f'<button class="link" type="button" data-control="{_e(key)}">findings</button>' if c.total else ""
            notes = f'<div class="small">{_e(" ".join(control.notes))}</div>' if control.notes else ""
            out.append(
                f'<tr data-control-id="{_e(control.id)}" data-status="{_e(control.status.value)}">'
                f'<td class="mono">{_e(control.id)}</td><td>{_e(control.title)}{notes}</td>'
                f"<td>{_e(control.applies_to.value)}</td><td>{_e(control.responsibility.value)}</td>"
                f'<td><span class="badge cs-{_e(control.status.value)}">{_e(control.status.value)}</span></td>'
                f"<td class=num>{c.PASS}</td><td class=num>{c.FAIL}</td><td class=num>{c.ERROR}</td>"
                f"<td class=num>{c.MUTED}</td><td class=small>{len(control.rules)}</td><td>{button}</td></tr>"
            )
        out.append("</tbody></table>")
    return out + ["</section>"]


def _data(result: ScanResult, coverage: Coverage) -> dict[str, Any]:
    """The data island; remediations and control references are shared tables (rules repeat them per finding)."""
    remediations: dict[str, int] = {}
    controls: dict[str, int] = {}

    def index(table: dict[str, int], value: Any) -> int:
        return table.setdefault(json.dumps(value, sort_keys=True), len(table))

    findings = []
    for f in _ordered(result.findings):
        findings.append(
            {
                "status": f.status.value,
                "severity": f.severity.value,
                "rule_id": f.rule_id,
                "title": f.title,
                "message": f.message,
                "service": f.resource.service if "." in f.resource.type else f.resource.type,
                "resource": f.resource.model_dump(mode="json"),
                "evidence": f.evidence,
                "remediation": index(remediations, f.remediation.model_dump(mode="json")),
                "controls": [index(controls, ref.model_dump(mode="json")) for ref in f.controls],
                "responsibility": f.responsibility.value if f.responsibility else None,
                "waiver": f.waiver.model_dump(mode="json") if f.waiver else None,
                "baseline": f.baseline,
                "fingerprint": f.fingerprint,
            }
        )
    return {
        "findings": findings,
        "remediations": [json.loads(key) for key in remediations],
        "controls": [json.loads(key) for key in controls],
        "frameworks": {framework.framework: framework.name for framework in coverage.frameworks},
        "limit": ROWS_PER_PAGE,
    }


def _json_island(value: Any) -> str:
    """JSON safe inside <script>: no ``</script>``, ``<!--`` or entity can form, whatever the data holds."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    for char, replacement in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, replacement)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _ordered(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=worst_first)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], *, limit: int = MAX_LIST) -> list[str]:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = ["<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in row) + "</tr>" for row in rows[:limit]]
    out = [f"<table><thead><tr>{head}</tr></thead><tbody>", *body, "</tbody></table>"]
    if len(rows) > limit:
        out.append(f'<p class="small">... and {len(rows) - limit} more (see findings.json).</p>')
    return out


def _e(text: object) -> str:
    return escape(str(text), quote=True)


@cache
def _asset(name: str) -> str:
    return files("scanner.reports").joinpath("assets", name).read_text(encoding="utf-8")
