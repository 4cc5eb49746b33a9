"""Demo Secrets Manager: a stored API key that never rotates.

Its value is an obvious placeholder; the scanner never reads secret values
(``ListSecrets`` only), so it cannot appear in any report.
"""

from __future__ import annotations

import boto3

DEMO_SECRET_VALUE = "demo-only-not-a-real-secret"


def plant(session: boto3.Session, regions: list[str]) -> None:
    secrets = session.client("secretsmanager", region_name=regions[0])
    secrets.create_secret(
        Name="demo/partner-api-key",
        Description="Demo API key without rotation",
        SecretString=DEMO_SECRET_VALUE,
    )
