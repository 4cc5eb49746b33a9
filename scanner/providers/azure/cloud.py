"""Which Azure cloud to talk to: public, China, US Government, or a custom one.

A custom cloud (Azure Stack Hub, private endpoints, or a local test server) sets
the ARM endpoint, the authority host and the token audience together; flags win
over the environment variables. Instance discovery is turned off for a custom
authority, which has no discovery endpoint.
"""

from __future__ import annotations

import os

from pydantic import BaseModel, ConfigDict

from scanner.errors import UsageError

ENV_ARM_ENDPOINT = "CLOUDSCAN_AZURE_ARM_ENDPOINT"
ENV_AUTHORITY_HOST = "CLOUDSCAN_AZURE_AUTHORITY_HOST"
ENV_AUDIENCE = "CLOUDSCAN_AZURE_TOKEN_AUDIENCE"
ENV_GRAPH_ENDPOINT = "CLOUDSCAN_AZURE_GRAPH_ENDPOINT"


class AzureCloud(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    arm_endpoint: str
    authority_host: str
    audience: str
    graph_endpoint: str
    custom_authority: bool = False

    @property
    def arm_scope(self) -> str:
        return f"{self.audience.rstrip('/')}/.default"

    @property
    def graph_scope(self) -> str:
        return f"{self.graph_endpoint.rstrip('/')}/.default"


KNOWN_CLOUDS = {
    "public": AzureCloud(
        name="public",
        arm_endpoint="https://management.azure.com",
        authority_host="https://login.microsoftonline.com",
        audience="https://management.azure.com",
        graph_endpoint="https://graph.microsoft.com",
    ),
    "china": AzureCloud(
        name="china",
        arm_endpoint="https://management.chinacloudapi.cn",
        authority_host="https://login.chinacloudapi.cn",
        audience="https://management.chinacloudapi.cn",
        graph_endpoint="https://microsoftgraph.chinacloudapi.cn",
    ),
    "usgov": AzureCloud(
        name="usgov",
        arm_endpoint="https://management.usgovcloudapi.net",
        authority_host="https://login.microsoftonline.us",
        audience="https://management.usgovcloudapi.net",
        graph_endpoint="https://graph.microsoft.us",
    ),
}


def resolve_cloud(
    name: str = "public",
    arm_endpoint: str | None = None,
    authority_host: str | None = None,
    audience: str | None = None,
    graph_endpoint: str | None = None,
) -> AzureCloud:
    """The cloud to use, with overrides from flags first, then the environment."""
    if name not in KNOWN_CLOUDS:
        raise UsageError(f"unknown Azure cloud {name!r} (choose from {', '.join(KNOWN_CLOUDS)})")
    base = KNOWN_CLOUDS[name]
    arm = arm_endpoint or os.environ.get(ENV_ARM_ENDPOINT)
    authority = authority_host or os.environ.get(ENV_AUTHORITY_HOST)
    token_audience = audience or os.environ.get(ENV_AUDIENCE)
    graph = graph_endpoint or os.environ.get(ENV_GRAPH_ENDPOINT)
    for label, value in (("ARM endpoint", arm), ("authority host", authority), ("Graph endpoint", graph)):
        if value and not value.startswith(("https://", "http://")):
            raise UsageError(f"the Azure {label} must be a URL, got {value!r}")
    if not (arm or authority or token_audience or graph):
        return base
    return AzureCloud(
        name=f"{name}+custom" if arm or authority else name,
        arm_endpoint=(arm or base.arm_endpoint).rstrip("/"),
        authority_host=(authority or base.authority_host).rstrip("/"),
        # a custom ARM endpoint is usually also its own token audience (Azure Stack Hub)
        audience=(token_audience or arm or base.audience).rstrip("/"),
        graph_endpoint=(graph or base.graph_endpoint).rstrip("/"),
        custom_authority=bool(authority)
        and authority.rstrip("/") not in {c.authority_host for c in KNOWN_CLOUDS.values()},
    )
