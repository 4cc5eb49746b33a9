"""Each SQS rule failing and passing on a moto account; one attributes call answers both."""

from __future__ import annotations

import json
from collections import Counter

from scanner.models import Status
from tests.support.aws import scan
from tests.support.results import finding, status_of

NOT_PUBLIC = "aws.sqs.queue_not_public"
ENCRYPTED = "aws.sqs.queue_encrypted"


def _queue(session, name: str, **attributes: str) -> str:
    return session.client("sqs").create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]


def _policy(queue_arn: str, **statement) -> str:
    base = {"Effect": "Allow", "Action": "sqs:*", "Resource": queue_arn}
    return json.dumps({"Version": "2012-10-17", "Statement": [{**base, **statement}]})


def test_queue_policy(aws):
    account = aws.client("sts").get_caller_identity()["Account"]
    public = _queue(aws, "public")
    public_arn = f"arn:aws:sqs:us-east-1:{account}:public"
    aws.client("sqs").set_queue_attributes(
        QueueUrl=public, Attributes={"Policy": _policy(public_arn, Sid="Anyone", Principal="*")}
    )
    topic_only = _queue(aws, "topic-only")
    topic_only_arn = f"arn:aws:sqs:us-east-1:{account}:topic-only"
    aws.client("sqs").set_queue_attributes(
        QueueUrl=topic_only,
        Attributes={
            "Policy": _policy(
                topic_only_arn,
                Principal={"Service": "sns.amazonaws.com"},
                Condition={"ArnEquals": {"aws:SourceArn": f"arn:aws:sns:us-east-1:{account}:orders"}},
            )
        },
    )
    no_policy = _queue(aws, "no-policy")
    result = scan(aws, NOT_PUBLIC)
    bad = finding(result, NOT_PUBLIC, public)
    assert bad.status is Status.FAIL
    assert bad.evidence == {"public_policy_statements": ["Anyone"]}
    assert status_of(result, NOT_PUBLIC, topic_only) is Status.PASS
    assert status_of(result, NOT_PUBLIC, no_policy) is Status.PASS


def test_queue_encryption(aws):
    plain = _queue(aws, "plain", SqsManagedSseEnabled="false")
    sse_sqs = _queue(aws, "sse-sqs", SqsManagedSseEnabled="true")
    sse_kms = _queue(aws, "sse-kms", KmsMasterKeyId="alias/orders-queue", SqsManagedSseEnabled="false")
    result = scan(aws, ENCRYPTED)
    bad = finding(result, ENCRYPTED, plain)
    assert bad.status is Status.FAIL
    assert bad.evidence == {"encrypted": False, "sqs_managed_sse": False, "kms_key_id": None}
    assert status_of(result, ENCRYPTED, sse_sqs) is Status.PASS
    kms = finding(result, ENCRYPTED, sse_kms)
    assert kms.status is Status.PASS
    assert kms.evidence["kms_key_id"] == "alias/orders-queue"


def test_one_attributes_call_per_queue_for_both_rules(aws):
    for name in ("a", "b"):
        _queue(aws, name)
    made: Counter[str] = Counter()
    aws.events.register("before-call", lambda event_name, **_: made.update([event_name.split(".", 1)[1]]))
    result = scan(aws, NOT_PUBLIC, ENCRYPTED)
    assert len(result.findings) == 4
    assert made == {"sts.GetCallerIdentity": 1, "sqs.ListQueues": 1, "sqs.GetQueueAttributes": 2}
