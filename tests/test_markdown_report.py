"""The Markdown findings report: right numbers, well-formed tables, capped size.

It is pasted into GitHub step summaries and PR comments, where a broken table or an
unbounded list is worse than no report, so the tests check structure as well as content.
"""

from __future__ import annotations

import re

from scanner.coverage import ControlStatus, build_coverage
from scanner.models import BaselineSummary, ResolvedFinding, Severity, Status, WaiverStatus
from scanner.reports import markdown


def _cells(line: str) -> list[str]:
    """Split a table row on unescaped pipes."""
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def _tables(text: str) -> list[list[str]]:
    tables, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    return tables + ([current] if current else [])


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    following = re.search(r"^#{2,4} ", text[start + len(heading) :], re.M)
    return text[start : start + len(heading) + following.start()] if following else text[start:]


def test_header_and_counts_match_the_summary(demo_result):
    text = markdown.render(demo_result)
    summary = demo_result.summary
    assert text.startswith("## cloudscan: aws account 123456789012\n")
    assert f"**{summary.by_status['FAIL']} failed** ({summary.failed_by_severity['critical']} critical," in text
    assert "eu-west-1, us-east-1" in text
    severity_table = _tables(_section(text, "### Failed findings by severity"))[0]
    assert _cells(severity_table[0]) == [s.value for s in Severity]
    assert _cells(severity_table[2]) == [str(summary.failed_by_severity[s.value]) for s in Severity]
    status_table = _tables(_section(text, "### Findings by status"))[0]
    assert _cells(status_table[2]) == [*(str(summary.by_status[s.value]) for s in Status), str(summary.total)]
    assert "Scan incomplete" not in text and "New since baseline" not in text


def test_top_failing_rules_and_failing_controls(demo_result):
    text = markdown.render(demo_result)
    rules = _section(text, "### Top failing rules")
    assert "| critical | `aws.s3.bucket_policy_not_public` | 1 |" in rules
    failing_rules = {f.rule_id for f in demo_result.findings if f.status is Status.FAIL}
    listed = re.findall(r"`(aws\.[a-z0-9_.]+)`", rules)
    assert set(listed) <= failing_rules and len(listed) == min(markdown.MAX_RULES, len(failing_rules))
    assert f"... and {len(failing_rules) - len(listed)} more" in rules

    controls = _section(text, "### Failing controls")
    for framework in build_coverage(demo_result).frameworks:
        failing = [c for c in framework.controls if c.status is ControlStatus.FAILING]
        assert f"**{framework.name}**: {len(failing)} of {framework.summary.total} controls failing" in controls
        for control in failing:
            assert f"| {control.id} | " in controls and f"| {control.counts.FAIL} |" in controls
    encryption_in_transit = next(
        c for fw in build_coverage(demo_result).frameworks if fw.framework == "iso27018" for c in fw.controls
        if c.id == "A.11.6"
    )  # fmt: skip
    row = (
        rf"^\| A\.11\.6 \| .* \| {encryption_in_transit.responsibility.value} \| "
        rf"{encryption_in_transit.counts.FAIL} \| {len(encryption_in_transit.rules_evaluated)} \|$"
    )
    assert encryption_in_transit.counts.FAIL > 0 and re.search(row, controls, re.M)


def test_tables_are_well_formed(demo_result):
    text = markdown.render(demo_result)
    tables = _tables(text)
    assert len(tables) >= 6
    for table in tables:
        width = len(_cells(table[0]))
        assert re.fullmatch(r"\|(---\|)+", table[1]) and table[1].count("---") == width
        assert all(len(_cells(row)) == width for row in table), table
    assert text.count("<details>") == text.count("</details>") == 1
    assert text == markdown.render(demo_result), "deterministic"


def test_cells_escape_pipes_newlines_and_markup(demo_result):
    first = next(f for f in demo_result.findings if f.status is Status.FAIL)
    hostile = first.model_copy(update={"message": "a | b\nc <img src=x> *bold* `code`"})
    text = markdown.render(demo_result.model_copy(update={"findings": (hostile,)}))
    row = next(line for line in text.splitlines() if "a \\| b" in line)
    assert row.endswith("a \\| b c \\<img src=x\\> \\*bold\\* \\`code\\` |")
    assert len(_cells(row)) == 6


def test_baseline_section_lists_new_and_resolved(demo_result):
    failing = [f for f in demo_result.findings if f.status is Status.FAIL]
    new = {f.fingerprint for f in failing if f.rule_id.startswith("aws.s3.")}
    findings = tuple(
        f.model_copy(update={"baseline": "new" if f.fingerprint in new else "unchanged"}) if f in failing else f
        for f in demo_result.findings
    )
    gone = failing[0]
    resolved = ResolvedFinding(
        rule_id="aws.kms.key_rotation_enabled",
        title="KMS key rotation",
        severity=Severity.MEDIUM,
        resource=gone.resource.model_copy(update={"id": "old|key", "name": None}),
        fingerprint="0" * 32,
    )
    baseline = BaselineSummary(
        source="main.json", new=len(new), unchanged=len(failing) - len(new), resolved=(resolved,)
    )
    text = markdown.render(demo_result.model_copy(update={"findings": findings, "baseline": baseline}))
    section = _section(text, "### New since baseline")
    assert f"**{len(new)} new**, {len(failing) - len(new)} unchanged, 1 resolved" in section
    rows = _tables(section)[0][2:]
    assert len(rows) == len(new) and all("`aws.s3." in row for row in rows)
    resolved_section = _section(text, "#### Resolved since baseline")
    assert "| medium | `aws.kms.key_rotation_enabled` |" in resolved_section and "old\\|key" in resolved_section
    assert text.index("### New since baseline") < text.index("### Top failing rules")


def test_many_findings_are_capped(demo_result):
    template = next(f for f in demo_result.findings if f.status is Status.FAIL)
    many = tuple(
        template.model_copy(
            update={
                "resource": template.resource.model_copy(update={"id": f"r-{index:05d}"}),
                "message": "x" * 5000,
                "baseline": "new",
            }
        )
        for index in range(20_000)
    )
    baseline = BaselineSummary(source="base", new=len(many), unchanged=0, resolved=())
    result = demo_result.model_copy(update={"findings": many, "baseline": baseline})
    text = markdown.render(result)
    assert len(text.encode()) < 200_000
    assert text.count(f"... and {len(many) - markdown.MAX_FINDINGS} more") == 2, "new findings and failed findings"
    assert max(len(line) for line in text.splitlines()) < 1_000, "long cells are cut"
    assert len(markdown.render(result, limit=5).encode()) < len(text.encode())


def test_incomplete_scan_and_waivers_are_reported(demo_result):
    from datetime import date

    from scanner.models import ScanError

    error = ScanError(
        provider="aws",
        account="123456789012",
        region="eu-west-1",
        service="s3",
        operation="ListBuckets",
        code="AccessDenied",
        message="denied",
    )
    waivers = (
        WaiverStatus(
            id="w-old",
            rule="aws.s3.*",
            reason="legacy",
            owner="ops",
            expires=date(2020, 1, 1),
            state="expired",
            matched=0,
        ),
        WaiverStatus(
            id="w-none", rule="aws.rds.x", reason="r", owner="db", expires=date(2099, 1, 1), state="stale", matched=0
        ),
    )
    text = markdown.render(demo_result.model_copy(update={"errors": (error,), "waivers": waivers}))
    assert "> [!WARNING]" in text and "**Scan incomplete:** 1 scan error(s)" in text
    assert "| s3 | ListBuckets | eu-west-1 | AccessDenied | denied |" in text
    assert "| w-old | aws.s3.\\* | ops | 2020-01-01 | legacy |" in text and "| w-none |" in text
    assert "Accepted risks: 0 finding(s) muted by 0 active waiver(s)." in text
