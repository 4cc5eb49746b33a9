"""The scanner only calls read-only APIs, proven by hooking every botocore call of a full scan."""

from __future__ import annotations

import re

from botocore import xform_name

from scanner.demo import DEMO_REGIONS, demo_account
from scanner.providers.aws.permissions import iam_action, policy_document
from tests.support.aws import run

READ_ONLY = re.compile(r"^(List|Describe|Get|Head|Lookup|Search|BatchGet)[A-Z]")


def test_full_demo_scan_calls_only_read_only_operations():
    """Every call of a full scan is a read, and the documented least-privilege policy allows each one."""
    with demo_account() as session:
        called: set[tuple[str, str]] = set()
        session.events.register(
            "before-call", lambda model, **_: called.add((model.service_model.service_name, model.name))
        )
        result = run(session, regions=DEMO_REGIONS)
    assert result.findings, "the scan did real work"
    assert len(called) >= 10
    writes = sorted(f"{service}:{name}" for service, name in called if not READ_ONLY.match(name))
    assert writes == [], f"non-read-only operations called: {writes}"
    assert result.scan.api_calls >= len(called)
    allowed = set(policy_document()["Statement"][0]["Action"])
    needed = {iam_action(service, xform_name(name)) for service, name in called}
    assert sorted(needed - allowed) == [], "`cloudscan permissions aws` misses actions the scan uses"
