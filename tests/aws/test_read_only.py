"""The scanner only calls read-only APIs, proven by hooking every botocore call of a full scan."""

from __future__ import annotations

import re

from scanner.demo import DEMO_REGIONS, demo_account
from tests.support.aws import run

READ_ONLY = re.compile(r"^(List|Describe|Get|Head|Lookup|Search|BatchGet)[A-Z]")


def test_full_demo_scan_calls_only_read_only_operations():
    with demo_account() as session:
        called: set[str] = set()
        session.events.register("before-call", lambda model, **_: called.add(model.name))
        result = run(session, regions=DEMO_REGIONS)
    assert result.findings, "the scan did real work"
    assert len(called) >= 10
    writes = sorted(name for name in called if not READ_ONLY.match(name))
    assert writes == [], f"non-read-only operations called: {writes}"
    assert result.scan.api_calls >= len(called)
