"""The IAM actions a scan needs, derived from the resource declarations.

Derived rather than hand-written so the documented least-privilege policy can
never drift from what the collector actually calls.
"""

from __future__ import annotations

from functools import cache

import botocore.session
from botocore import xform_name

from scanner.providers.registry import declarations

# IAM action names that differ from "<service>:<OperationName>".
_ACTION_OVERRIDES = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3control", "GetPublicAccessBlock"): "s3:GetAccountPublicAccessBlock",
    ("s3", "GetObjectLockConfiguration"): "s3:GetBucketObjectLockConfiguration",
}
# The IAM prefix is the service's signing name (elbv2 -> elasticloadbalancing, efs -> elasticfilesystem,
# s3control -> s3), except where IAM kept an older name than the endpoint's.
_IAM_PREFIX_EXCEPTIONS = {"cloudwatch": "cloudwatch"}
# Calls made outside the declarations: identity and region discovery.
_ALWAYS = ("sts:GetCallerIdentity", "ec2:DescribeRegions")


@cache
def _service_model(service: str):
    return botocore.session.get_session().get_service_model(service)


@cache
def _api_names(service: str) -> dict[str, str]:
    return {xform_name(name): name for name in _service_model(service).operation_names}


def iam_prefix(service: str) -> str:
    return _IAM_PREFIX_EXCEPTIONS.get(service) or _service_model(service).signing_name or service


def iam_action(service: str, operation: str) -> str:
    api_name = _api_names(service)[operation]
    return _ACTION_OVERRIDES.get((service, api_name), f"{iam_prefix(service)}:{api_name}")


def required_actions() -> list[str]:
    actions = set(_ALWAYS)
    for spec in declarations("aws").specs:
        calls = [spec.listing] if spec.listing else []
        calls += [detail.call for detail in spec.details] + [lookup.call for lookup in spec.lookups]
        actions.update(iam_action(call.service or spec.service, call.operation) for call in calls)
    return sorted(actions)


def policy_document() -> dict:
    """A least-privilege IAM policy for ``cloudscan scan aws``."""
    return {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "CloudscanReadOnly", "Effect": "Allow", "Action": required_actions(), "Resource": "*"}],
    }
