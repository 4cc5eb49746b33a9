"""SQS: queues (public queue policy, encryption at rest).

``ListQueues`` returns queue URLs only (``MaxResults`` makes it page past 1000
queues); one ``GetQueueAttributes(All)`` per queue answers both the access policy
and the encryption settings. A queue is identified and named by its URL, the
address every SQS API takes.
"""

from __future__ import annotations

from typing import Any

from scanner.providers.aws import policy
from scanner.providers.spec import Call, Detail, ResourceSpec


def _attributes(attributes: dict[str, Any] | None) -> dict[str, Any]:
    attributes = attributes or {}
    key = attributes.get("KmsMasterKeyId") or None
    managed = str(attributes.get("SqsManagedSseEnabled", "false")).lower() == "true"
    return {
        "public_policy_statements": policy.public_allow_statements(attributes.get("Policy")),
        "kms_key_id": key,
        "sqs_managed_sse": managed,
        "encrypted": key is not None or managed,
        "queue_arn": attributes.get("QueueArn"),
    }


QUEUE = ResourceSpec(
    type="aws.sqs.queue",
    service="sqs",
    scope="regional",
    # ListQueues answers with bare URLs; make each an item the templates can read.
    listing=Call("list_queues", {"MaxResults": 1000}, result="QueueUrls[].{QueueUrl: @}"),
    id="{QueueUrl}",
    name="{QueueUrl}",
    arn=None,
    details=(
        Detail(
            "attributes",
            Call("get_queue_attributes", {"QueueUrl": "{QueueUrl}", "AttributeNames": ["All"]}, result="Attributes"),
            _attributes,
        ),
    ),
)

SPECS = (QUEUE,)
