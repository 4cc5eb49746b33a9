"""Baseline diff: what is new since a previous scan, and what was resolved.

Findings are matched by their fingerprint (rule, account, region, resource), the
same key SARIF uses, so a finding keeps its identity across scans. A problem is a
FAIL or MUTED finding; an ERROR now proves nothing, so a previous problem now in
ERROR is neither resolved nor new.
"""

from __future__ import annotations

from scanner.models import BaselineSummary, ResolvedFinding, ScanResult, Status

_PROBLEM = (Status.FAIL, Status.MUTED)


def apply_baseline(result: ScanResult, previous: ScanResult, source: str) -> ScanResult:
    """Mark each current problem new or unchanged, and list the previous problems now gone."""
    before = {finding.fingerprint: finding for finding in previous.findings if finding.status in _PROBLEM}
    still_unknown = {finding.fingerprint for finding in result.findings if finding.status is Status.ERROR}
    findings = []
    new = unchanged = 0
    for finding in result.findings:
        if finding.status in _PROBLEM:
            state = "unchanged" if finding.fingerprint in before else "new"
            new += state == "new"
            unchanged += state == "unchanged"
            finding = finding.model_copy(update={"baseline": state})
        findings.append(finding)
    current = {finding.fingerprint for finding in findings if finding.status in _PROBLEM}
    resolved = tuple(
        ResolvedFinding(
            rule_id=finding.rule_id,
            title=finding.title,
            severity=finding.severity,
            resource=finding.resource,
            fingerprint=fingerprint,
        )
        for fingerprint, finding in sorted(before.items(), key=lambda item: (item[1].rule_id, item[1].resource.id))
        if fingerprint not in current and fingerprint not in still_unknown
    )
    summary = BaselineSummary(source=source, new=new, unchanged=unchanged, resolved=resolved)
    return result.model_copy(update={"findings": tuple(findings), "baseline": summary})
