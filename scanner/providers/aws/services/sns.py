"""SNS: topics (public topic policy, encryption at rest).

``ListTopics`` returns ARNs only; one ``GetTopicAttributes`` per topic answers both
the access policy and the KMS key. A topic is identified and named by its ARN.
"""

from __future__ import annotations

from typing import Any

from scanner.providers.aws import policy
from scanner.providers.spec import Call, Detail, ResourceSpec


def _attributes(attributes: dict[str, Any] | None) -> dict[str, Any]:
    attributes = attributes or {}
    key = attributes.get("KmsMasterKeyId") or None
    return {
        "public_policy_statements": policy.public_allow_statements(attributes.get("Policy")),
        "kms_key_id": key,
        "encrypted": key is not None,
    }


TOPIC = ResourceSpec(
    type="aws.sns.topic",
    service="sns",
    scope="regional",
    listing=Call("list_topics", result="Topics"),
    id="{TopicArn}",
    name="{TopicArn}",
    arn="{TopicArn}",
    details=(
        Detail(
            "attributes", Call("get_topic_attributes", {"TopicArn": "{TopicArn}"}, result="Attributes"), _attributes
        ),
    ),
)

SPECS = (TOPIC,)
