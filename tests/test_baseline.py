"""Baseline diff: new, unchanged and resolved findings, matched by fingerprint."""

from __future__ import annotations

import json

from scanner.baseline import apply_baseline
from scanner.gating import exit_code
from scanner.models import Status
from tests.support import aws, run_cli
from tests.support.results import make_finding, make_result


def test_new_unchanged_and_resolved():
    previous = make_result(
        make_finding("aws.s3.bucket_versioning_enabled", "a"),
        make_finding("aws.s3.bucket_versioning_enabled", "b"),
        make_finding("aws.s3.bucket_tls_only", "c"),
        make_finding("aws.s3.bucket_tls_only", "d"),
        make_finding("aws.s3.bucket_tls_only", "e", Status.PASS),
    )
    current = make_result(
        make_finding("aws.s3.bucket_versioning_enabled", "a"),  # still failing
        make_finding("aws.s3.bucket_versioning_enabled", "b", Status.PASS),  # fixed
        make_finding("aws.s3.bucket_tls_only", "c", Status.ERROR),  # unknown now: not resolved
        make_finding("aws.s3.bucket_tls_only", "e"),  # newly failing
        make_finding("aws.s3.bucket_tls_only", "f"),  # new resource, failing
    )
    diffed = apply_baseline(current, previous, "previous.json")
    marks = {(f.rule_id, f.resource.id): f.baseline for f in diffed.findings}
    assert marks == {
        ("aws.s3.bucket_versioning_enabled", "a"): "unchanged",
        ("aws.s3.bucket_versioning_enabled", "b"): None,
        ("aws.s3.bucket_tls_only", "c"): None,
        ("aws.s3.bucket_tls_only", "e"): "new",
        ("aws.s3.bucket_tls_only", "f"): "new",
    }
    summary = diffed.baseline
    assert (summary.source, summary.new, summary.unchanged) == ("previous.json", 2, 1)
    assert [(r.rule_id, r.resource.id) for r in summary.resolved] == [
        ("aws.s3.bucket_tls_only", "d"),
        ("aws.s3.bucket_versioning_enabled", "b"),
    ]


def test_fail_on_new_only_gates_just_new_findings():
    previous = make_result(make_finding("aws.s3.bucket_tls_only", "old"))
    same = apply_baseline(make_result(make_finding("aws.s3.bucket_tls_only", "old")), previous, "p.json")
    assert exit_code(same, "low") == 1
    assert exit_code(same, "low", new_only=True) == 0
    more = apply_baseline(
        make_result(make_finding("aws.s3.bucket_tls_only", "old"), make_finding("aws.s3.bucket_tls_only", "new")),
        previous,
        "p",
    )
    assert exit_code(more, "low", new_only=True) == 1


_cli = run_cli


def test_rescan_of_the_same_account_against_its_baseline(monkeypatch, capsys, tmp_path):
    """The same account scanned twice: nothing new, nothing resolved, and --fail-on-new-only passes."""
    from scanner.demo import DEMO_REGIONS, demo_account
    from scanner.reports.json_report import render

    with demo_account() as session:
        first = aws.run(session, regions=DEMO_REGIONS)
        baseline = tmp_path / "previous.json"
        baseline.write_text(render(first))
        second = apply_baseline(aws.run(session, regions=DEMO_REGIONS), first, baseline.name)
    assert second.baseline.new == 0 and second.baseline.resolved == ()
    assert second.baseline.unchanged == first.summary.by_status["FAIL"]
    assert exit_code(second, "low", new_only=True) == 0


def test_cli_baseline_flags(monkeypatch, capsys, tmp_path):
    code, _, _ = _cli(monkeypatch, capsys, "demo", "--quiet", "--output-dir", str(tmp_path / "one"))
    assert code == 0
    previous = tmp_path / "one" / "findings.json"
    code, out, _ = _cli(
        monkeypatch,
        capsys,
        "demo",
        "--baseline",
        str(previous),
        "--fail-on",
        "critical",
        "--fail-on-new-only",
        "--output-dir",
        str(tmp_path / "two"),
    )
    report = json.loads((tmp_path / "two" / "findings.json").read_text())
    assert report["baseline"]["source"] == "findings.json"
    assert "Since baseline findings.json" in out
    new_critical = [
        f
        for f in report["findings"]
        if f["baseline"] == "new" and f["severity"] == "critical" and f["status"] == "FAIL"
    ]
    assert code == (1 if new_critical else 0)


def test_fail_on_new_only_without_baseline_is_a_usage_error(monkeypatch, capsys):
    code, _, err = _cli(monkeypatch, capsys, "demo", "--quiet", "--fail-on-new-only")
    assert code == 2 and err.strip() == "cloudscan: error: --fail-on-new-only needs --baseline"


def test_unreadable_baseline_is_one_line(monkeypatch, capsys, tmp_path):
    bad = tmp_path / "previous.json"
    bad.write_text("[]")
    code, _, err = _cli(monkeypatch, capsys, "demo", "--quiet", "--baseline", str(bad))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "not a cloudscan findings report" in err
