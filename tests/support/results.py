"""Looking findings up in a scan result, and building small results for tests that need no cloud."""

from __future__ import annotations

from datetime import date

from scanner.models import (
    Finding,
    Remediation,
    ResourceRef,
    ScanMeta,
    ScanResult,
    Severity,
    Status,
    summarize,
)


def finding(result: ScanResult, rule_id: str, resource: str) -> Finding:
    """The single finding of ``rule_id`` on ``resource``, given as the resource's id or its name.

    AWS tests name resources by id (bucket, instance, key id), Azure and GCP tests by
    name (an ARM id or self link is long): either matches, and exactly one finding must.
    """
    matches = [f for f in result.findings if f.rule_id == rule_id and resource in (f.resource.id, f.resource.name)]
    assert len(matches) == 1, f"expected one {rule_id} finding on {resource}, got {matches}"
    return matches[0]


def status_of(result: ScanResult, rule_id: str, resource: str) -> Status:
    """The status of the single finding of ``rule_id`` on ``resource`` (id or name)."""
    return finding(result, rule_id, resource).status


SCAN_DAY = date(2026, 11, 28)
ACCOUNT = "111122223333"


def make_finding(rule_id: str, resource_id: str, status: Status = Status.FAIL, **resource) -> Finding:
    """A finding on the S3 bucket ``resource_id``; ``account``, ``region`` and ``tags`` may be given."""
    ref = ResourceRef(
        provider="aws",
        account=resource.pop("account", ACCOUNT),
        region=resource.pop("region", "eu-west-1"),
        type="aws.s3.bucket",
        id=resource_id,
        arn=f"arn:aws:s3:::{resource_id}",
        tags=resource.pop("tags", {}),
    )
    assert not resource, f"unknown resource fields: {sorted(resource)}"
    return Finding(
        rule_id=rule_id,
        title="t",
        status=status,
        severity=Severity.HIGH,
        message="m",
        resource=ref,
        evidence={},
        remediation=Remediation(text="fix"),
        fingerprint=Finding.fingerprint_for(rule_id, ref),
    )


def make_result(*findings: Finding) -> ScanResult:
    """A one-account AWS scan result holding ``findings``, scanned on ``SCAN_DAY``."""
    meta = ScanMeta(
        tool_version="0",
        provider="aws",
        account=ACCOUNT,
        regions=("eu-west-1",),
        started=SCAN_DAY.isoformat() + "T00:00:00Z",
        finished=SCAN_DAY.isoformat() + "T00:01:00Z",
        rules_evaluated=1,
        resources_scanned=len(findings),
    )
    return ScanResult(scan=meta, summary=summarize(findings, ()), findings=findings, errors=())
