"""EFS: file systems (encryption at rest, public file system policy, region).

``DescribeFileSystems`` carries encryption, the KMS key and the tags, so each file
system costs one more call: ``DescribeFileSystemPolicy``, whose ``PolicyNotFound``
means no policy (access is then decided by IAM and the network alone: not public).
"""

from __future__ import annotations

from typing import Any

from scanner.providers.aws import policy
from scanner.providers.spec import Call, Detail, ResourceSpec, tag_list

# The policy EFS suggests for "prevent anonymous access" grants "*" only through the file
# system's own mount targets, i.e. to clients inside the VPC it is mounted in: not public.
_MOUNT_TARGET_ONLY = "elasticfilesystem:accessedviamounttarget"


def _through_mount_targets_only(statement: dict[str, Any]) -> bool:
    condition = statement.get("Condition") or {}
    block = condition.get("Bool") if isinstance(condition, dict) else None
    if not isinstance(block, dict):
        return False
    for key, value in block.items():
        values = value if isinstance(value, list) else [value]
        if key.lower() == _MOUNT_TARGET_ONLY and [str(entry).lower() for entry in values] == ["true"]:
            return True
    return False


def _file_system_policy(document: Any) -> dict[str, Any]:
    return {
        "public_policy_statements": [
            policy.statement_label(statement, index)
            for index, statement in enumerate(policy.statements(document))
            if statement.get("Effect") == "Allow"
            and policy.principal_is_public(statement.get("Principal"))
            and not policy.has_restricting_condition(statement)
            and not _through_mount_targets_only(statement)
        ],
        "has_policy": document is not None,
    }


FILE_SYSTEM = ResourceSpec(
    type="aws.efs.file_system",
    service="efs",
    scope="regional",
    listing=Call("describe_file_systems", result="FileSystems"),
    id="{FileSystemId}",
    name="{Name || FileSystemId}",
    arn="{FileSystemArn}",
    details=(
        Detail(
            "policy",
            Call(
                "describe_file_system_policy",
                {"FileSystemId": "{FileSystemId}"},
                result="Policy",
                absent=("PolicyNotFound",),
            ),
            _file_system_policy,
        ),
    ),
    normalize=lambda item: {
        "encrypted": bool(item.raw.get("Encrypted", False)),
        "kms_key_id": item.raw.get("KmsKeyId"),
        "availability_zone": item.raw.get("AvailabilityZoneName"),
    },
    tags=tag_list("Tags"),
)

SPECS = (FILE_SYSTEM,)
