"""The ACM expiry rule on imported certificates expiring soon and later, RSA and ECDSA."""

from __future__ import annotations

from scanner.demo.acm import self_signed
from scanner.models import Status
from tests.support.aws import scan
from tests.support.results import finding

RULE = "aws.acm.certificate_not_expiring"


def _import(acm, domain: str, days: int) -> str:
    cert, key = self_signed(domain, days_left=days)
    return acm.import_certificate(Certificate=cert, PrivateKey=key)["CertificateArn"]


def test_certificates_expiring_within_30_days_fail(aws):
    acm = aws.client("acm")
    soon = _import(acm, "shop.example.com", 10)
    later = _import(acm, "api.example.com", 200)
    pending = acm.request_certificate(DomainName="new.example.com", ValidationMethod="DNS")["CertificateArn"]
    result = scan(aws, RULE)
    bad = finding(result, RULE, soon)
    assert bad.status is Status.FAIL
    assert bad.resource.name == "shop.example.com"
    assert bad.evidence["days_to_expiry"] == 10
    assert bad.evidence["certificate_type"] == "IMPORTED" and bad.evidence["status"] == "ISSUED"
    good = finding(result, RULE, later)
    assert good.status is Status.PASS and good.evidence["days_to_expiry"] == 200
    # ECDSA certificates are listed only because the listing asks for every key type.
    assert pending not in {f.resource.id for f in result.findings}, "a certificate not issued yet is skipped"
