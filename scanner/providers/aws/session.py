"""boto3 session handling: identity, regions, one client per service and region.

Clients are created once and shared between threads (botocore clients are
thread-safe; sessions are not, hence the lock). Retries use botocore's adaptive
mode so throttling slows us down instead of failing the scan. Endpoint overrides
(``AWS_ENDPOINT_URL`` and ``AWS_ENDPOINT_URL_<SERVICE>``) are honoured by
botocore itself.
"""

from __future__ import annotations

import ipaddress
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import boto3
from botocore.config import Config

from scanner import __version__

DEFAULT_REGION = "us-east-1"
_GLOBAL_REGION_BY_PARTITION = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}


def _is_local_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _keep_account_prefix_off_local_endpoints(client) -> None:
    """S3 Control puts the account id in front of the endpoint host ("123456789012.host").

    Against an endpoint override that is an IP address or ``localhost`` (moto
    server, a proxy) that name cannot resolve, and looking it up would leak a DNS
    query, so the prefix is removed before the request is signed.
    """
    endpoint = urlsplit(client.meta.endpoint_url or "")
    if not _is_local_host(endpoint.hostname or ""):
        return

    def strip_prefix(request, **_):
        parts = urlsplit(request.url)
        prefix, _, rest = parts.netloc.partition(".")
        if prefix.isdigit() and rest == endpoint.netloc:
            request.url = urlunsplit(parts._replace(netloc=rest))

    client.meta.events.register("before-sign.s3-control", strip_prefix)


@dataclass(frozen=True)
class Identity:
    account: str
    partition: str
    arn: str


class ClientPool:
    """Creates and caches boto3 clients keyed by (service, region)."""

    def __init__(self, session: boto3.Session, max_workers: int, max_attempts: int = 8, timeout: float = 30.0):
        self.session = session
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], object] = {}
        self.api_calls = 0
        session.events.register("before-call", self._count_call)
        self._config = Config(
            retries={"mode": "adaptive", "max_attempts": max_attempts},
            connect_timeout=min(timeout, 10.0),
            read_timeout=timeout,
            max_pool_connections=max(10, max_workers),
            user_agent_extra=f"cloudscan/{__version__}",
        )

    def _count_call(self, **_: object) -> None:
        with self._lock:
            self.api_calls += 1

    def client(self, service: str, region: str):
        key = (service, region)
        with self._lock:
            if key not in self._clients:
                client = self.session.client(service, region_name=region, config=self._config)
                if service == "s3control":
                    _keep_account_prefix_off_local_endpoints(client)
                self._clients[key] = client
            return self._clients[key]

    def home_region(self) -> str:
        return self.session.region_name or DEFAULT_REGION

    def identity(self) -> Identity:
        response = self.client("sts", self.home_region()).get_caller_identity()
        arn = response["Arn"]
        return Identity(account=response["Account"], partition=arn.split(":")[1], arn=arn)

    def global_region(self, partition: str) -> str:
        """The region global services (IAM, S3 listing) are called in."""
        home = self.home_region()
        if partition == "aws" and not home.startswith(("cn-", "us-gov-")):
            return home
        return _GLOBAL_REGION_BY_PARTITION.get(partition, home)

    def enabled_regions(self) -> list[str]:
        response = self.client("ec2", self.home_region()).describe_regions()
        return sorted(region["RegionName"] for region in response["Regions"])
