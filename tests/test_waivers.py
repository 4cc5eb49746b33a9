"""Waivers: risk acceptances mute matching FAIL findings until they expire."""

from __future__ import annotations

import json
from datetime import date

import pytest

from scanner.errors import UsageError
from scanner.gating import exit_code
from scanner.models import Status
from scanner.waivers import apply_waivers, load_waivers
from tests.support import run_cli
from tests.support.results import make_finding, make_result

TODAY = date(2026, 11, 28)  # the day make_result's scan ran (SCAN_DAY)


def _waivers(tmp_path, text: str):
    path = tmp_path / "waivers.yaml"
    path.write_text(text)
    return load_waivers(path)


WAIVERS = """
waivers:
  - id: website
    rule: aws.s3.bucket_*
    resources: {arn: "arn:aws:s3:::site-*", tags: {purpose: website}}
    reason: Public static website without personal data
    owner: web-team@example.com
    expires: 2027-01-31
  - id: old-exception
    rule: aws.s3.bucket_versioning_enabled
    resources: {id: archive}
    reason: Archive bucket is write-once
    owner: data-team
    expires: 2026-11-27
  - id: forgotten
    rule: aws.s3.bucket_tls_only
    resources: {id: deleted-bucket, region: eu-west-1, account: 111122223333}
    reason: Bucket was deleted
    owner: ops
    expires: 2027-06-30
"""


def test_active_waiver_mutes_matching_fails_only(tmp_path):
    waivers = _waivers(tmp_path, WAIVERS)
    result = make_result(
        make_finding("aws.s3.bucket_policy_not_public", "site-www", tags={"purpose": "website"}),
        make_finding("aws.s3.bucket_acl_not_public", "site-www", Status.PASS, tags={"purpose": "website"}),
        make_finding("aws.s3.bucket_policy_not_public", "site-blog", Status.ERROR, tags={"purpose": "website"}),
        make_finding("aws.s3.bucket_policy_not_public", "site-untagged"),
    )
    muted = {(f.rule_id, f.resource.id): f for f in apply_waivers(result, waivers, TODAY).findings}
    www = muted[("aws.s3.bucket_policy_not_public", "site-www")]
    assert www.status is Status.MUTED
    assert (www.waiver.id, www.waiver.owner, www.waiver.expires) == (
        "website",
        "web-team@example.com",
        date(2027, 1, 31),
    )
    assert muted[("aws.s3.bucket_acl_not_public", "site-www")].status is Status.PASS
    assert muted[("aws.s3.bucket_policy_not_public", "site-blog")].status is Status.ERROR, "errors stay visible"
    assert muted[("aws.s3.bucket_policy_not_public", "site-untagged")].status is Status.FAIL, "tag must match"


def test_expired_waiver_stops_muting_and_stale_waiver_is_reported(tmp_path):
    waivers = _waivers(tmp_path, WAIVERS)
    result = apply_waivers(make_result(make_finding("aws.s3.bucket_versioning_enabled", "archive")), waivers, TODAY)
    (finding,) = result.findings
    assert finding.status is Status.FAIL and finding.waiver is None
    states = {w.id: (w.state, w.matched) for w in result.waivers}
    assert states == {"website": ("stale", 0), "old-exception": ("expired", 1), "forgotten": ("stale", 0)}
    assert result.summary.by_status["FAIL"] == 1


def test_muted_findings_never_fail_a_run(tmp_path):
    waivers = _waivers(tmp_path, WAIVERS)
    result = make_result(make_finding("aws.s3.bucket_policy_not_public", "site-www", tags={"purpose": "website"}))
    assert exit_code(result, "low") == 1
    muted = apply_waivers(result, waivers, TODAY)
    assert muted.summary.by_status["MUTED"] == 1
    assert exit_code(muted, "low") == 0


def test_waiver_valid_through_its_expiry_day(tmp_path):
    waivers = _waivers(tmp_path, WAIVERS)
    result = make_result(make_finding("aws.s3.bucket_versioning_enabled", "archive"))
    assert apply_waivers(result, waivers, date(2026, 11, 27)).findings[0].status is Status.MUTED
    assert apply_waivers(result, waivers, date(2026, 11, 28)).findings[0].status is Status.FAIL


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "waivers:\n  - rule: r\n    owner: o\n    expires: 2027-01-01\n",
            "waiver 1 (waiver-1): field reason: Field required",
        ),
        (
            "waivers:\n  - id: a\n    rule: r\n    reason: x\n    owner: o\n    expires: someday\n",
            "waiver 1 (a): field expires: Input should be a valid date",
        ),
        (
            "waivers:\n  - {rule: r, reason: x, owner: o, expires: 2027-01-01}\n"
            "  - {id: b, rule: r, reason: x, owner: o, expires: 2027-01-01, resources: {name: x}}\n",
            "waiver 2 (b): field resources.name: Extra inputs are not permitted",
        ),
        (
            "waivers:\n  - {id: a, rule: r, reason: x, owner: o, expires: 2027-01-01}\n"
            "  - {id: a, rule: r, reason: x, owner: o, expires: 2027-01-01}\n",
            "waiver id 'a' is used twice",
        ),
        ("waivers: [unclosed\n", "invalid YAML"),
        ("- a list\n", "must hold a mapping"),
    ],
)
def test_invalid_waiver_file_names_entry_and_field(tmp_path, text, message):
    with pytest.raises(UsageError) as error:
        _waivers(tmp_path, text)
    assert str(error.value).startswith(str(tmp_path / "waivers.yaml"))
    assert message in str(error.value)
    assert "\n" not in str(error.value)


_cli = run_cli


def test_demo_with_waivers_end_to_end(monkeypatch, capsys, tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        "  - id: website\n    rule: 'aws.s3.bucket_*'\n    resources: {id: demo-public-website}\n"
        "    reason: Static website\n    owner: web-team\n    expires: 2999-12-31\n"
        "  - id: stale-one\n    rule: aws.rds.instance_storage_encrypted\n    resources: {id: gone}\n"
        "    reason: Gone\n    owner: ops\n    expires: 2999-12-31\n"
    )
    code, out, _ = _cli(monkeypatch, capsys, "demo", "--waivers", str(waivers), "--output-dir", str(tmp_path / "out"))
    assert code == 0
    assert "Waivers: 1 active" in out and "stale-one" in out
    report = json.loads((tmp_path / "out" / "findings.json").read_text())
    muted = [f for f in report["findings"] if f["status"] == "MUTED"]
    assert muted and {f["resource"]["id"] for f in muted} == {"demo-public-website"}
    assert all(f["waiver"]["id"] == "website" for f in muted)
    assert {w["id"]: w["state"] for w in report["waivers"]} == {"website": "active", "stale-one": "stale"}


def test_default_waiver_file_is_found(monkeypatch, capsys, tmp_path):
    (tmp_path / ".cloudscan").mkdir()
    (tmp_path / ".cloudscan" / "waivers.yaml").write_text("waivers:\n  - {rule: x, owner: o, expires: 2027-01-01}\n")
    monkeypatch.chdir(tmp_path)
    code, _, err = _cli(monkeypatch, capsys, "demo", "--quiet")
    assert code == 2
    assert err.strip() == "cloudscan: error: .cloudscan/waivers.yaml: waiver 1 (waiver-1): field reason: Field required"
