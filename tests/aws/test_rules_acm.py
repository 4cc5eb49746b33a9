"""The ACM expiry rule on imported certificates expiring soon and later, RSA and ECDSA."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from scanner.models import Status
from tests.support.aws import scan
from tests.support.results import finding

RULE = "aws.acm.certificate_not_expiring"


def self_signed(domain: str, days: int) -> tuple[bytes, bytes]:
    """A self-signed ECDSA (P-256) certificate for ``domain`` valid ``days`` more days, and its key, as PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    now = datetime.now(timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=300))
        .not_valid_after(now + timedelta(days=days, hours=12))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def _import(acm, domain: str, days: int) -> str:
    cert, key = self_signed(domain, days)
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
