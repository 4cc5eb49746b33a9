"""The GuardDuty detector rule failing, passing and erring, region by region, on a moto account."""

from __future__ import annotations

from scanner.models import Status
from tests.support.aws import scan
from tests.support.fake_aws import FakeAws, access_denied, ok
from tests.support.results import finding

RULE = "aws.guardduty.detector_enabled"
DETECTOR = "12c6a1f2e4b5d6c7e8f9a0b1c2d3e4f5"


def test_detector_in_one_region_only(aws):
    detector = aws.client("guardduty", region_name="us-east-1").create_detector(Enable=True)["DetectorId"]
    result = scan(aws, RULE, regions=["eu-west-1", "us-east-1"])
    missing = finding(result, RULE, "eu-west-1")
    assert missing.status is Status.FAIL
    assert missing.evidence == {"detector_enabled": False, "detector_ids": [], "detectors": []}
    assert missing.message == "No enabled GuardDuty detector in the region (detectors: none)."
    on = finding(result, RULE, "us-east-1")
    assert on.status is Status.PASS
    assert on.resource.region == "us-east-1"
    assert on.evidence["detector_ids"] == [detector]
    assert on.evidence["detectors"] == [{"status": "ENABLED", "finding_publishing_frequency": "SIX_HOURS"}]


def test_suspended_detector_fails(aws):
    aws.client("guardduty").create_detector(Enable=False)
    suspended = finding(scan(aws, RULE), RULE, "us-east-1")
    assert suspended.status is Status.FAIL
    assert suspended.evidence["detectors"][0]["status"] == "DISABLED"


def test_denied_get_detector_is_error_not_pass(aws, monkeypatch):
    # moto refuses GuardDuty's REST calls under IAM enforcement (SignatureDoesNotMatch), so the
    # denial comes from the local fake, as IAM words it.
    with FakeAws.serving() as fake:
        fake.serve(monkeypatch, "guardduty")
        fake.reply("guardduty", "ListDetectors", ok({"detectorIds": [DETECTOR]}))
        fake.reply("guardduty", "GetDetector", access_denied("guardduty", "GetDetector"), path=f"/detector/{DETECTOR}")
        denied = finding(scan(aws, RULE), RULE, "us-east-1")
    assert denied.status is Status.ERROR
    assert "get_detector failed: AccessDeniedException" in denied.message
    assert fake.operations == ["ListDetectors", "GetDetector"]
