"""ACM: certificate expiry, from ``ListCertificates`` alone.

The listing carries each certificate's status, expiry (``NotAfter``, once a
certificate is issued) and whether an AWS service uses it, so no per-certificate
call is made. Without ``Includes`` ACM lists only RSA_1024 and RSA_2048
certificates; the listing asks for every key type so ECDSA and larger RSA
certificates are not missed. Tags would take one ``ListTagsForCertificate`` per
certificate and no rule reads them, so they are not collected.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from scanner.providers.spec import Call, Item, ResourceSpec
from scanner.providers.timestamps import as_utc

KEY_TYPES = ("RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1")


def normalize_certificate(item: Item, now: datetime | None = None) -> dict[str, Any]:
    raw = item.raw
    not_after = as_utc(raw.get("NotAfter"))
    now = now or datetime.now(timezone.utc)
    return {
        "domain_name": raw.get("DomainName"),
        "status": raw.get("Status"),
        "certificate_type": raw.get("Type"),
        "in_use": bool(raw.get("InUse", False)),
        "renewal_eligibility": raw.get("RenewalEligibility"),
        "not_after": not_after.isoformat() if not_after else None,
        "days_to_expiry": (not_after - now).days if not_after else None,
    }


CERTIFICATE = ResourceSpec(
    type="aws.acm.certificate",
    service="acm",
    scope="regional",
    listing=Call("list_certificates", {"Includes": {"keyTypes": list(KEY_TYPES)}}, result="CertificateSummaryList"),
    id="{CertificateArn}",
    name="{DomainName}",
    arn="{CertificateArn}",
    normalize=normalize_certificate,
)

SPECS = (CERTIFICATE,)
