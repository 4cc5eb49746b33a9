"""CloudFront distributions: viewer and origin protocols, viewer TLS version, S3 origin access, logging.

ListDistributions returns the distribution summaries with origins, cache behaviours and the
viewer certificate; only the logging settings are missing from a summary, so they come from
GetDistributionConfig, once per distribution. Standard logging v2 (CloudWatch Logs delivery
configured through CloudWatch Logs' PutDeliverySource) does not show in the distribution's
config and is not seen.
"""

from __future__ import annotations

import re
from typing import Any

from scanner.providers.spec import Call, Detail, Item, ResourceSpec

_HTTPS_VIEWER = ("https-only", "redirect-to-https")
# S3 REST endpoints (bucket.s3.amazonaws.com, bucket.s3.<region>.amazonaws.com, legacy
# bucket.s3-<region>.amazonaws.com); website endpoints (s3-website) are custom origins.
_S3_REST_DOMAIN = re.compile(r"\.s3(?:[.-](?!website)[a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$")


def _items(container: Any) -> list[Any]:
    """The ``Items`` of CloudFront's ``{Quantity, Items}`` lists (absent when Quantity is 0)."""
    return list((container or {}).get("Items") or [])


def _behaviors(raw: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = [("default", raw.get("DefaultCacheBehavior") or {})] if raw.get("DefaultCacheBehavior") else []
    return found + [(str(item.get("PathPattern")), item) for item in _items(raw.get("CacheBehaviors"))]


def _is_s3_origin(origin: dict[str, Any]) -> bool:
    if "S3OriginConfig" in origin:
        return True
    return "CustomOriginConfig" not in origin and bool(_S3_REST_DOMAIN.search(str(origin.get("DomainName", ""))))


def _insecure_origins(raw: dict[str, Any], viewer_https_everywhere: bool) -> list[str]:
    found = []
    for origin in _items(raw.get("Origins")):
        custom = origin.get("CustomOriginConfig")
        if not custom:
            continue
        policy = custom.get("OriginProtocolPolicy")
        origin_id = origin.get("Id")
        # match-viewer uses HTTPS to the origin exactly when the viewer used HTTPS.
        if policy == "http-only" or (policy == "match-viewer" and not viewer_https_everywhere):
            found.append(f"{origin_id}: {policy}")
        weak = sorted(set(_items(custom.get("OriginSslProtocols"))) & {"SSLv3", "TLSv1", "TLSv1.1"})
        if weak and policy != "http-only":
            found.append(f"{origin_id}: allows {', '.join(weak)}")
    return found


def _s3_origin_access(origin: dict[str, Any]) -> str | None:
    """Why an S3 origin is reachable without origin access control, or None if it uses OAC."""
    if origin.get("OriginAccessControlId"):
        return None
    identity = (origin.get("S3OriginConfig") or {}).get("OriginAccessIdentity")
    if identity:
        return f"{origin.get('Id')}: legacy origin access identity ({str(identity).rsplit('/', 1)[-1]})"
    return f"{origin.get('Id')}: no origin access control"


def _normalize(item: Item) -> dict[str, Any]:
    raw = item.raw
    viewer = [f"{path}: {behavior.get('ViewerProtocolPolicy')}" for path, behavior in _behaviors(raw)]
    insecure_viewer = [
        f"{path}: {behavior.get('ViewerProtocolPolicy')}"
        for path, behavior in _behaviors(raw)
        if behavior.get("ViewerProtocolPolicy") not in _HTTPS_VIEWER
    ]
    certificate = raw.get("ViewerCertificate") or {}
    custom_certificate = bool(certificate.get("ACMCertificateArn") or certificate.get("IAMCertificateId")) or (
        bool(certificate) and not certificate.get("CloudFrontDefaultCertificate", False)
    )
    s3_origins = [origin for origin in _items(raw.get("Origins")) if _is_s3_origin(origin)]
    return {
        "domain_name": raw.get("DomainName"),
        "aliases": [str(alias) for alias in _items(raw.get("Aliases"))],
        "enabled": bool(raw.get("Enabled", False)),
        "viewer_protocol_policies": viewer,
        "insecure_viewer_behaviors": insecure_viewer,
        "insecure_origins": _insecure_origins(raw, viewer_https_everywhere=bool(viewer) and not insecure_viewer),
        "custom_certificate": custom_certificate,
        "minimum_protocol_version": certificate.get("MinimumProtocolVersion"),
        "s3_origins": [str(origin.get("Id")) for origin in s3_origins],
        "s3_origins_without_oac": [reason for origin in s3_origins if (reason := _s3_origin_access(origin))],
    }


def _logging(config: dict[str, Any] | None) -> dict[str, Any]:
    logging = (config or {}).get("Logging") or {}
    enabled = bool(logging.get("Enabled", False))
    return {"logging_enabled": enabled, "logging_bucket": (logging.get("Bucket") or None) if enabled else None}


DISTRIBUTION = ResourceSpec(
    type="aws.cloudfront.distribution",
    service="cloudfront",
    scope="global",
    listing=Call("list_distributions", result="DistributionList.Items"),
    id="{Id}",
    name="{not_null(Aliases.Items[0], DomainName)}",
    arn="{ARN}",
    normalize=_normalize,
    details=(Detail("config", Call("get_distribution_config", {"Id": "{Id}"}, result="DistributionConfig"), _logging),),
)

SPECS = (DISTRIBUTION,)
