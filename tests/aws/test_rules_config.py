"""The AWS Config recorder rule failing and passing, region by region, on a moto account."""

from __future__ import annotations

from scanner.models import Status
from tests.support.aws import scan
from tests.support.results import finding

RULE = "aws.config.recorder_enabled"
ROLE = "arn:aws:iam::123456789012:role/config-recorder"


def _recorder(config, group, start=True):
    config.put_configuration_recorder(
        ConfigurationRecorder={"name": "default", "roleARN": ROLE, "recordingGroup": group}
    )
    if start:
        # moto, like AWS, refuses to start a recorder without a delivery channel.
        config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-delivery-bucket"})
        config.start_configuration_recorder(ConfigurationRecorderName="default")


def test_recorder_on_in_one_region_only(aws):
    _recorder(aws.client("config", region_name="us-east-1"), {"allSupported": True, "includeGlobalResourceTypes": True})
    result = scan(aws, RULE, regions=["eu-west-1", "us-east-1"])
    missing = finding(result, RULE, "eu-west-1")
    assert missing.status is Status.FAIL
    assert missing.evidence == {
        "recorder_exists": False,
        "recording": False,
        "records_all_supported": False,
        "recorders": [],
    }
    on = finding(result, RULE, "us-east-1")
    assert on.status is Status.PASS
    assert on.evidence["recorders"][0]["name"] == "default"
    assert on.evidence["recorders"][0]["recording"] is True
    assert on.resource.region == "us-east-1"


def test_recorder_that_is_stopped_fails(aws):
    _recorder(aws.client("config"), {"allSupported": True, "includeGlobalResourceTypes": True}, start=False)
    stopped = finding(scan(aws, RULE), RULE, "us-east-1")
    assert stopped.status is Status.FAIL
    assert stopped.evidence["recorder_exists"] is True
    assert stopped.evidence["recording"] is False


def test_recorder_limited_to_some_types_fails(aws):
    _recorder(
        aws.client("config"),
        {"allSupported": False, "includeGlobalResourceTypes": False, "resourceTypes": ["AWS::S3::Bucket"]},
    )
    limited = finding(scan(aws, RULE), RULE, "us-east-1")
    assert limited.status is Status.FAIL
    assert limited.evidence["recording"] is True
    assert limited.evidence["records_all_supported"] is False
    assert limited.evidence["recorders"][0]["all_supported"] is False
