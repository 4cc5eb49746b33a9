"""Each SNS rule failing and passing on a moto account."""

from __future__ import annotations

import json

from scanner.models import Status
from tests.support.aws import scan
from tests.support.results import finding, status_of

NOT_PUBLIC = "aws.sns.topic_not_public"
ENCRYPTED = "aws.sns.topic_encrypted"


def _topic(session, name: str, **attributes: str) -> str:
    return session.client("sns").create_topic(Name=name, Attributes=attributes)["TopicArn"]


def test_topic_policy(aws):
    default = _topic(aws, "default-policy")  # moto's default mirrors AWS's: "*" limited by AWS:SourceOwner
    public = _topic(aws, "public")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AnyoneMaySubscribe",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["sns:Subscribe", "sns:Receive"],
                "Resource": public,
            }
        ],
    }
    aws.client("sns").set_topic_attributes(TopicArn=public, AttributeName="Policy", AttributeValue=json.dumps(policy))
    result = scan(aws, NOT_PUBLIC)
    bad = finding(result, NOT_PUBLIC, public)
    assert bad.status is Status.FAIL
    assert bad.evidence == {"public_policy_statements": ["AnyoneMaySubscribe"]}
    assert bad.resource.arn == public
    assert status_of(result, NOT_PUBLIC, default) is Status.PASS


def test_topic_encryption(aws):
    plain = _topic(aws, "plain")
    encrypted = _topic(aws, "encrypted", KmsMasterKeyId="alias/aws/sns")
    result = scan(aws, ENCRYPTED)
    bad = finding(result, ENCRYPTED, plain)
    assert bad.status is Status.FAIL
    assert bad.evidence == {"encrypted": False, "kms_key_id": None}
    good = finding(result, ENCRYPTED, encrypted)
    assert good.status is Status.PASS
    assert good.evidence["kms_key_id"] == "alias/aws/sns"
