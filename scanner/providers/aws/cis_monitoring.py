"""The CIS metric-filter patterns: one event class per rule of the ``aws.cloudwatch.alarm_*`` family.

Source: CIS Amazon Web Services Foundations Benchmark, section "Monitoring" (v1.4.0 4.1-4.15,
v1.5.0 / v2.0.0 / v3.0.0 4.1-4.15; v1.2.0 numbered them 3.1-3.14). Each class lists the
benchmark's pattern and, where a later version narrowed it or the benchmark offers an
alternative, those too: a metric filter passes when it matches every event of at least one
of them (``filter_patterns.covers``). The patterns are kept as published, apart from one
explicit grouping noted below.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventClass:
    key: str  # the rule's name after "alarm_", and the field names of aws.cloudwatch.monitoring
    cis: str  # the recommendation number in CIS AWS Foundations v3.0.0
    title: str
    patterns: tuple[str, ...]


def _any_event(names: tuple[str, ...], source: str | None = None) -> str:
    alternatives = " || ".join(f"($.eventName = {name})" for name in names)
    if source is None:
        return f"{{ {alternatives} }}"
    return f"{{ ($.eventSource = {source}) && ({alternatives}) }}"


_IAM_POLICY_EVENTS = (
    "DeleteGroupPolicy",
    "DeleteRolePolicy",
    "DeleteUserPolicy",
    "PutGroupPolicy",
    "PutRolePolicy",
    "PutUserPolicy",
    "CreatePolicy",
    "DeletePolicy",
    "CreatePolicyVersion",
    "DeletePolicyVersion",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "AttachUserPolicy",
    "DetachUserPolicy",
    "AttachGroupPolicy",
    "DetachGroupPolicy",
)
_S3_POLICY_EVENTS = (
    "PutBucketAcl",
    "PutBucketPolicy",
    "PutBucketCors",
    "PutBucketLifecycle",
    "PutBucketReplication",
    "DeleteBucketPolicy",
    "DeleteBucketCors",
    "DeleteBucketLifecycle",
    "DeleteBucketReplication",
)
_ROUTE_TABLE_EVENTS = (
    "CreateRoute",
    "CreateRouteTable",
    "ReplaceRoute",
    "ReplaceRouteTableAssociation",
    "DeleteRouteTable",
    "DeleteRoute",
    "DisassociateRouteTable",
)
_ORGANIZATIONS_EVENTS = tuple(
    f'"{name}"'
    for name in (
        "AcceptHandshake",
        "AttachPolicy",
        "CreateAccount",
        "CreateOrganizationalUnit",
        "CreatePolicy",
        "DeclineHandshake",
        "DeleteOrganization",
        "DeleteOrganizationalUnit",
        "DeletePolicy",
        "DetachPolicy",
        "DisablePolicyType",
        "EnablePolicyType",
        "InviteAccountToOrganization",
        "LeaveOrganization",
        "MoveAccount",
        "RemoveAccountFromOrganization",
        "UpdatePolicy",
        "UpdateOrganizationalUnit",
    )
)

EVENT_CLASSES: tuple[EventClass, ...] = (
    EventClass(
        "unauthorized_api_calls",
        "4.1",
        "unauthorized API calls",
        (
            # v1.4.0.
            '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
            # v1.5.0+ adds two exclusions; the published text leaves the grouping to the reader and
            # its evident intent is "(either error) and (neither exclusion)", written out here.
            '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*"))'
            ' && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }',
        ),
    ),
    EventClass(
        "console_signin_without_mfa",
        "4.2",
        "console sign-in without MFA",
        (
            '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
            # The benchmark's alternative that leaves out SSO (federated) sign-ins.
            '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes")'
            ' && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
        ),
    ),
    EventClass(
        "root_usage",
        "4.3",
        "use of the root user",
        (
            '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS'
            ' && $.eventType != "AwsServiceEvent" }',
        ),
    ),
    EventClass(
        "iam_policy_changes",
        "4.4",
        "IAM policy changes",
        (_any_event(_IAM_POLICY_EVENTS), _any_event(_IAM_POLICY_EVENTS, "iam.amazonaws.com")),
    ),
    EventClass(
        "cloudtrail_changes",
        "4.5",
        "CloudTrail configuration changes",
        (_any_event(("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging")),),
    ),
    EventClass(
        "console_auth_failures",
        "4.6",
        "console authentication failures",
        ('{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',),
    ),
    EventClass(
        "cmk_disable_or_deletion",
        "4.7",
        "disabling or scheduled deletion of customer-managed KMS keys",
        (_any_event(("DisableKey", "ScheduleKeyDeletion"), "kms.amazonaws.com"),),
    ),
    EventClass(
        "s3_bucket_policy_changes",
        "4.8",
        "S3 bucket policy changes",
        (_any_event(_S3_POLICY_EVENTS, "s3.amazonaws.com"),),
    ),
    EventClass(
        "aws_config_changes",
        "4.9",
        "AWS Config configuration changes",
        (
            _any_event(
                (
                    "StopConfigurationRecorder",
                    "DeleteDeliveryChannel",
                    "PutDeliveryChannel",
                    "PutConfigurationRecorder",
                ),
                "config.amazonaws.com",
            ),
        ),
    ),
    EventClass(
        "security_group_changes",
        "4.10",
        "security group changes",
        (
            _any_event(
                (
                    "AuthorizeSecurityGroupIngress",
                    "AuthorizeSecurityGroupEgress",
                    "RevokeSecurityGroupIngress",
                    "RevokeSecurityGroupEgress",
                    "CreateSecurityGroup",
                    "DeleteSecurityGroup",
                )
            ),
        ),
    ),
    EventClass(
        "nacl_changes",
        "4.11",
        "network ACL changes",
        (
            _any_event(
                (
                    "CreateNetworkAcl",
                    "CreateNetworkAclEntry",
                    "DeleteNetworkAcl",
                    "DeleteNetworkAclEntry",
                    "ReplaceNetworkAclEntry",
                    "ReplaceNetworkAclAssociation",
                )
            ),
        ),
    ),
    EventClass(
        "network_gateway_changes",
        "4.12",
        "network gateway changes",
        (
            _any_event(
                (
                    "CreateCustomerGateway",
                    "DeleteCustomerGateway",
                    "AttachInternetGateway",
                    "CreateInternetGateway",
                    "DeleteInternetGateway",
                    "DetachInternetGateway",
                )
            ),
        ),
    ),
    EventClass(
        "route_table_changes",
        "4.13",
        "route table changes",
        # v1.4.0, then v1.5.0+ scoped to EC2.
        (_any_event(_ROUTE_TABLE_EVENTS), _any_event(_ROUTE_TABLE_EVENTS, "ec2.amazonaws.com")),
    ),
    EventClass(
        "vpc_changes",
        "4.14",
        "VPC changes",
        (
            _any_event(
                (
                    "CreateVpc",
                    "DeleteVpc",
                    "ModifyVpcAttribute",
                    "AcceptVpcPeeringConnection",
                    "CreateVpcPeeringConnection",
                    "DeleteVpcPeeringConnection",
                    "RejectVpcPeeringConnection",
                    "AttachClassicLinkVpc",
                    "DetachClassicLinkVpc",
                    "DisableVpcClassicLink",
                    "EnableVpcClassicLink",
                )
            ),
        ),
    ),
    EventClass(
        "organizations_changes",
        "4.15",
        "AWS Organizations changes",
        (_any_event(_ORGANIZATIONS_EVENTS, "organizations.amazonaws.com"),),
    ),
)
