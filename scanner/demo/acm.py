"""Demo ACM: an imported certificate twelve days from expiry.

The certificate is self-signed for ``shop.demo.example`` with a throwaway ECDSA key
made at plant time (fast, and never a real key).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import boto3
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

DOMAIN = "shop.demo.example"


def self_signed(domain: str, days_left: int) -> tuple[bytes, bytes]:
    """A self-signed ECDSA (P-256) certificate for ``domain`` valid ``days_left`` more days, and its key, as PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    now = datetime.now(timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=353))
        .not_valid_after(now + timedelta(days=days_left, hours=12))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return certificate.public_bytes(serialization.Encoding.PEM), key_pem


def plant(session: boto3.Session, regions: list[str]) -> None:
    certificate, key = self_signed(DOMAIN, days_left=12)
    session.client("acm", region_name=regions[0]).import_certificate(
        Certificate=certificate, PrivateKey=key, Tags=[{"Key": "environment", "Value": "production"}]
    )
