"""Demo CloudFront: a distribution serving HTTP from an anonymous S3 origin, with no logs.

Beside it, a well-configured one: HTTPS-only viewers and origin, a TLSv1.2_2021
custom certificate and standard logging to S3. CloudFront is global, so both
are created once.
"""

from __future__ import annotations

import boto3

_CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"


def _config(reference: str, origin: dict, viewer_policy: str, **extra) -> dict:
    return {
        "CallerReference": reference,
        "Comment": f"cloudscan demo: {reference}",
        "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [origin]},
        "DefaultCacheBehavior": {
            "TargetOriginId": origin["Id"],
            "ViewerProtocolPolicy": viewer_policy,
            "CachePolicyId": _CACHING_OPTIMIZED,
        },
        **extra,
    }


def plant(session: boto3.Session, regions: list[str]) -> None:
    cloudfront = session.client("cloudfront", region_name="us-east-1")
    anonymous_bucket = {
        "Id": "demo-marketing-assets",
        "DomainName": "demo-marketing-assets.s3.eu-west-1.amazonaws.com",
        "S3OriginConfig": {"OriginAccessIdentity": ""},
    }
    cloudfront.create_distribution(DistributionConfig=_config("demo-marketing-cdn", anonymous_bucket, "allow-all"))
    api = {
        "Id": "demo-api",
        "DomainName": "api.demo.example.com",
        "CustomOriginConfig": {
            "HTTPPort": 80,
            "HTTPSPort": 443,
            "OriginProtocolPolicy": "https-only",
            "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]},
        },
    }
    certificate = session.client("acm", region_name="us-east-1").request_certificate(DomainName="api.demo.example.com")
    cloudfront.create_distribution(
        DistributionConfig=_config(
            "demo-api-cdn",
            api,
            "redirect-to-https",
            Aliases={"Quantity": 1, "Items": ["api.demo.example.com"]},
            ViewerCertificate={
                "ACMCertificateArn": certificate["CertificateArn"],
                "SSLSupportMethod": "sni-only",
                "MinimumProtocolVersion": "TLSv1.2_2021",
            },
            Logging={
                "Enabled": True,
                "IncludeCookies": False,
                "Bucket": "demo-cdn-logs.s3.amazonaws.com",
                "Prefix": "api/",
            },
        )
    )
