"""The AWS provider: credentials, identity, regions, collection, and the IAM policy a scan needs."""

from __future__ import annotations

from collections.abc import Iterable

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, ProfileNotFound

from scanner.errors import ScanAborted, UsageError
from scanner.models import ScanError
from scanner.providers.aws.session import ClientPool
from scanner.providers.aws.transport import AwsTransport, describe_error
from scanner.providers.base import Collected, MissingCredentials, Permissions, Provider, ProviderInput
from scanner.providers.collector import Collector, Progress
from scanner.providers.registry import needed
from scanner.settings import ApiSettings


class AwsOptions(ProviderInput):
    """How to connect: a named profile (else the standard chain) and the home region for global calls."""

    profile: str | None = None
    region: str | None = None


class AwsTarget(ProviderInput):
    """The account the credentials belong to, in these regions (empty: every region enabled for the account)."""

    regions: tuple[str, ...] = ()


class AwsProvider(Provider[AwsOptions, AwsTarget]):
    name = "aws"
    label = "AWS"
    target_type = "accounts"
    options_model = AwsOptions
    target_model = AwsTarget

    def open_session(self, options: AwsOptions, settings: ApiSettings) -> boto3.Session:
        try:
            return boto3.Session(profile_name=options.profile, region_name=options.region)
        except ProfileNotFound:
            raise UsageError(f"AWS profile {options.profile!r} was not found in the AWS config files") from None

    def collect(
        self,
        session: boto3.Session,
        target: AwsTarget,
        resource_types: Iterable[str],
        settings: ApiSettings,
        progress: Progress | None = None,
    ) -> Collected:
        pool = ClientPool(session, settings.max_workers, settings.max_attempts, settings.timeout)
        try:
            identity = pool.identity()
        except NoCredentialsError:
            raise MissingCredentials(self.name, "no AWS credentials found") from None
        except (ClientError, BotoCoreError) as exc:
            code, message = describe_error(exc)
            raise ScanAborted(f"cannot read the caller identity (sts:GetCallerIdentity): {code}: {message}") from None

        errors: list[ScanError] = []
        regions = sorted(target.regions)
        if not regions:
            try:
                regions = pool.enabled_regions()
            except (ClientError, BotoCoreError) as exc:
                code, message = describe_error(exc)
                regions = [pool.home_region()]
                errors.append(
                    ScanError(
                        provider=self.name,
                        account=identity.account,
                        region=regions[0],
                        service="ec2",
                        operation="describe_regions",
                        code=code,
                        message=f"{message} (scanned only {regions[0]})",
                    )
                )
        wanted = needed(self.name, set(resource_types))
        collector = Collector(
            AwsTransport(pool),
            identity.account,
            regions,
            pool.global_region(identity.partition),
            wanted.specs,
            wanted.aggregates,
            settings.max_workers,
            progress,
            partition=identity.partition,
        )
        inventory = collector.collect()
        inventory.errors[:0] = errors
        inventory.api_calls = pool.api_calls  # identity and region discovery included
        return Collected(accounts=[identity.account], regions=regions, inventory=inventory)

    def permissions(self) -> Permissions:
        from scanner.providers.aws.permissions import policy_document, required_actions

        return Permissions(
            summary="The AWS managed policy SecurityAudit covers every call; for least privilege, this IAM policy.",
            roles=("arn:aws:iam::aws:policy/SecurityAudit",),
            actions=tuple(required_actions()),
            document=policy_document(),
        )


PROVIDER = AwsProvider()
