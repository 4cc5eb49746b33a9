"""The scan reports every AWS call it made: identity and region discovery included, nothing twice."""

from __future__ import annotations

from collections import Counter

from tests.support import aws as support_aws
from tests.support.scanning import rules_by_id


def test_api_calls_match_the_sdk_calls_made(aws):
    aws.client("s3").create_bucket(Bucket="counted-bucket")
    made: Counter[str] = Counter()
    aws.events.register("before-call", lambda event_name, **_: made.update([event_name]))
    result = support_aws.run(aws, rules_by_id("aws.s3.bucket_versioning_enabled", "aws.ec2.volume_encrypted"))
    assert made["before-call.sts.GetCallerIdentity"] == 1
    assert made["before-call.ec2.DescribeRegions"] == 1, "no region given: the enabled ones were listed"
    assert made["before-call.ec2.DescribeVolumes"] == len(result.scan.regions) > 1
    assert result.scan.api_calls == sum(made.values())


def test_a_call_several_resource_types_need_is_made_once(aws):
    """RDS instances, clusters and parameter groups all read DescribeDBInstances: one call per region."""
    rds = aws.client("rds")
    rds.create_db_instance(
        DBInstanceIdentifier="shared-answer", Engine="postgres", DBInstanceClass="db.t3.micro", AllocatedStorage=20
    )
    made: Counter[str] = Counter()
    aws.events.register("before-call.rds", lambda event_name, **_: made.update([event_name]))
    rules = rules_by_all("rds")
    result = support_aws.run(aws, rules, regions=[support_aws.REGION])
    assert {f.resource.type for f in result.findings} >= {"aws.rds.instance", "aws.rds.parameter_group"}
    assert made["before-call.rds.DescribeDBInstances"] == 1
    assert result.scan.api_calls == sum(made.values()) + 1, "plus the caller identity"


def rules_by_all(service: str):
    from scanner.rules import load_rules

    return [rule for rule in load_rules() if rule.provider == "aws" and rule.service == service]


def test_iam_types_share_one_authorization_details_answer(aws):
    iam = aws.client("iam")
    iam.create_user(UserName="alice")
    iam.create_group(GroupName="admins")
    made: Counter[str] = Counter()
    aws.events.register("before-call.iam", lambda event_name, **_: made.update([event_name]))
    rules = [rule for rule in rules_by_all("iam") if rule.resource_type != "aws.iam.account"]
    result = support_aws.run(aws, rules, regions=[support_aws.REGION])
    assert {"aws.iam.user", "aws.iam.group"} <= {f.resource.type for f in result.findings}
    assert made["before-call.iam.GetAccountAuthorizationDetails"] == 1
