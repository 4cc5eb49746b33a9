"""Entry point of the AWS adapter: credentials, identity, regions, collection."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, ProfileNotFound

from scanner.errors import ScanAborted, UsageError
from scanner.models import ScanError
from scanner.providers.aws.session import ClientPool
from scanner.providers.aws.transport import AwsTransport, describe_error
from scanner.providers.collector import Collector, Inventory, Progress
from scanner.providers.registry import needed


@dataclass(frozen=True)
class ApiSettings:
    """How patient the scan is with each API call: attempts (adaptive retries) and read timeout."""

    max_attempts: int = 8
    timeout: float = 30.0


@dataclass
class AwsScan:
    account: str
    regions: list[str]
    inventory: Inventory


def make_session(profile: str | None = None, region: str | None = None) -> boto3.Session:
    try:
        return boto3.Session(profile_name=profile, region_name=region)
    except ProfileNotFound:
        raise UsageError(f"AWS profile {profile!r} was not found in the AWS config files") from None


def scan_aws(
    session: boto3.Session,
    resource_types: Iterable[str],
    regions: list[str] | None = None,
    max_workers: int = 8,
    progress: Progress | None = None,
    settings: ApiSettings | None = None,
) -> AwsScan:
    """Collect the given resource types (and what their aggregates need) from one account."""
    settings = settings or ApiSettings()
    pool = ClientPool(session, max_workers, settings.max_attempts, settings.timeout)
    try:
        identity = pool.identity()
    except NoCredentialsError:
        raise UsageError(
            "no AWS credentials found: use --profile, set AWS_PROFILE, or export AWS_ACCESS_KEY_ID"
        ) from None
    except (ClientError, BotoCoreError) as exc:
        code, message = describe_error(exc)
        raise ScanAborted(f"cannot read the caller identity (sts:GetCallerIdentity): {code}: {message}") from None

    errors: list[ScanError] = []
    if not regions:
        try:
            regions = pool.enabled_regions()
        except (ClientError, BotoCoreError) as exc:
            code, message = describe_error(exc)
            regions = [pool.home_region()]
            errors.append(
                ScanError(
                    provider="aws",
                    account=identity.account,
                    region=regions[0],
                    service="ec2",
                    operation="describe_regions",
                    code=code,
                    message=f"{message} (scanned only {regions[0]})",
                )
            )
    wanted = needed("aws", set(resource_types))
    collector = Collector(
        AwsTransport(pool),
        identity.account,
        identity.partition,
        sorted(regions),
        pool.global_region(identity.partition),
        wanted.specs,
        wanted.aggregates,
        max_workers,
        progress,
    )
    inventory = collector.collect()
    inventory.errors[:0] = errors
    return AwsScan(account=identity.account, regions=sorted(regions), inventory=inventory)
