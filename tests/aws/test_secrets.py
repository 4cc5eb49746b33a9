"""Secrets never reach reports, the terminal or logs.

The account is planted with a console password, an RDS master password, EC2
user data holding a token and a tag-free access key; the scan runs with its own
distinctive credentials. None of those values may appear anywhere in the output.
"""

from __future__ import annotations

import base64
import logging
import sys

import boto3
import pytest
from moto import mock_aws

from scanner import cli
from scanner.reports import WRITERS

CONSOLE_PASSWORD = "Sup3r-Secret-Console-Pa55!"
DB_PASSWORD = "Sup3rSecretDbPassw0rd"
USER_DATA_TOKEN = "ghp_userDataTokenThatMustNotLeak0123456789"
SCAN_SECRET_KEY = "scanSecretKeyMustNotLeak/0123456789abcdef"
SCAN_SESSION_TOKEN = "scanSessionTokenMustNotLeak0123456789"


def _plant(session: boto3.Session) -> list[str]:
    iam = session.client("iam")
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password=CONSOLE_PASSWORD)
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    session.client("rds").create_db_instance(
        DBInstanceIdentifier="db1",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="admin",
        MasterUserPassword=DB_PASSWORD,
        AllocatedStorage=20,
    )
    ec2 = session.client("ec2")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        UserData=base64.b64encode(f"export TOKEN={USER_DATA_TOKEN}".encode()).decode(),
    )
    session.client("s3").create_bucket(Bucket="plain-bucket")
    return [key["SecretAccessKey"]]


def test_no_secret_appears_in_reports_terminal_or_logs(monkeypatch, capsys, caplog, tmp_path):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SCAN_SECRET_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SCAN_SESSION_TOKEN)
    # cloudscan's own logs at their most verbose, and everything else at the level Python shows
    # by default (WARNING); botocore's DEBUG wire logs are not cloudscan output and are off unless a user turns them on.
    caplog.set_level(logging.WARNING)
    caplog.set_level(logging.DEBUG, logger="scanner")
    with mock_aws():
        planted = _plant(boto3.Session(region_name="us-east-1"))
        caplog.clear()  # the planting calls themselves carry the secrets; only the scan is judged
        monkeypatch.setattr(
            sys,
            "argv",
            [
                "cloudscan",
                "scan",
                "aws",
                "--region",
                "us-east-1",
                "--fail-on",
                "none",
                "--output-dir",
                str(tmp_path),
                *[arg for name in WRITERS for arg in ("--format", name)],
            ],
        )
        with pytest.raises(SystemExit):
            cli.main()
    captured = capsys.readouterr()
    outputs = {path.name: path.read_text() for path in tmp_path.iterdir()}
    assert set(outputs) == {filename for filename, _ in WRITERS.values()}
    outputs["stdout"], outputs["stderr"], outputs["logs"] = captured.out, captured.err, caplog.text
    assert "alice" in outputs["findings.json"], "the planted resources were scanned"
    assert "list_buckets" in outputs["logs"], "the scanner's debug log was captured"
    secrets = [CONSOLE_PASSWORD, DB_PASSWORD, USER_DATA_TOKEN, SCAN_SECRET_KEY, SCAN_SESSION_TOKEN, *planted]
    for name, text in outputs.items():
        for secret in secrets:
            assert secret not in text, f"a secret leaked into {name}"
