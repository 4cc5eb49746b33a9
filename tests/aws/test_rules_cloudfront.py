"""Each CloudFront rule failing and passing: on moto where it answers like AWS, else on a fake endpoint.

moto's ListDistributions summary drops ``S3OriginConfig`` and ``OriginAccessControlId`` from S3
origins and reports ``CloudFrontDefaultCertificate: true`` next to an ACM certificate, so the
origin-access-control PASS case, the legacy OAI case and the certificate cases run the real
boto3 client against a local HTTP server (``FakeAws``) answering CloudFront's REST-XML as AWS
writes it. The viewer/origin protocol and logging rules run on moto.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from werkzeug.wrappers import Request, Response

from scanner.models import Status
from tests.support.aws import scan
from tests.support.fake_aws import FakeAws
from tests.support.results import finding, status_of

CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
ACCOUNT = "123456789012"
CERTIFICATE = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"


# -- moto ------------------------------------------------------------------------------------------


def _s3_origin(origin_id: str, bucket: str) -> dict:
    return {
        "Id": origin_id,
        "DomainName": f"{bucket}.s3.us-east-1.amazonaws.com",
        "S3OriginConfig": {"OriginAccessIdentity": ""},
    }


def _custom_origin(origin_id: str, domain: str, policy: str) -> dict:
    return {
        "Id": origin_id,
        "DomainName": domain,
        "CustomOriginConfig": {
            "HTTPPort": 80,
            "HTTPSPort": 443,
            "OriginProtocolPolicy": policy,
            "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]},
        },
    }


def _distribution(cloudfront, reference: str, origins: list[dict], viewer: str, *, paths=(), logging=None) -> str:
    behavior = {"TargetOriginId": origins[0]["Id"], "ViewerProtocolPolicy": viewer, "CachePolicyId": CACHING_OPTIMIZED}
    config = {
        "CallerReference": reference,
        "Comment": reference,
        "Enabled": True,
        "Origins": {"Quantity": len(origins), "Items": origins},
        "DefaultCacheBehavior": behavior,
    }
    if paths:
        items = [
            {**behavior, "PathPattern": path, "TargetOriginId": origin, "ViewerProtocolPolicy": policy}
            for path, origin, policy in paths
        ]
        config["CacheBehaviors"] = {"Quantity": len(items), "Items": items}
    if logging:
        config["Logging"] = {"Enabled": True, "IncludeCookies": False, "Bucket": logging, "Prefix": "cloudfront/"}
    return cloudfront.create_distribution(DistributionConfig=config)["Distribution"]["Id"]


def test_distribution_https_only(aws):
    cloudfront = aws.client("cloudfront")
    secure = _distribution(
        cloudfront,
        "secure",
        [
            _custom_origin("api", "api.example.com", "https-only"),
            _custom_origin("app", "app.example.com", "match-viewer"),
        ],
        "redirect-to-https",
        paths=[("/app/*", "app", "https-only")],
    )
    open_viewer = _distribution(
        cloudfront, "open-viewer", [_custom_origin("api", "api.example.com", "https-only")], "allow-all"
    )
    http_origin = _distribution(
        cloudfront,
        "http-origin",
        [_custom_origin("legacy", "legacy.example.com", "http-only")],
        "redirect-to-https",
        paths=[("/downloads/*", "legacy", "allow-all")],
    )
    rule = "aws.cloudfront.distribution_https_only"
    result = scan(aws, rule)
    good = finding(result, rule, secure)
    assert good.status is Status.PASS
    assert good.evidence == {"insecure_viewer_behaviors": [], "insecure_origins": []}
    assert good.resource.arn == f"arn:aws:cloudfront::{ACCOUNT}:distribution/{secure}"
    viewer = finding(result, rule, open_viewer)
    assert viewer.status is Status.FAIL
    assert viewer.evidence == {"insecure_viewer_behaviors": ["default: allow-all"], "insecure_origins": []}
    origin = finding(result, rule, http_origin)
    assert origin.status is Status.FAIL
    assert origin.evidence == {
        "insecure_viewer_behaviors": ["/downloads/*: allow-all"],
        "insecure_origins": ["legacy: http-only"],
    }


def test_distribution_logging(aws):
    cloudfront = aws.client("cloudfront")
    logged = _distribution(
        cloudfront,
        "logged",
        [_s3_origin("site", "site-bucket")],
        "redirect-to-https",
        logging="cf-logs.s3.amazonaws.com",
    )
    unlogged = _distribution(cloudfront, "unlogged", [_s3_origin("site", "site-bucket")], "redirect-to-https")
    rule = "aws.cloudfront.distribution_logging"
    result = scan(aws, rule)
    good = finding(result, rule, logged)
    assert good.status is Status.PASS
    assert good.evidence == {"logging_enabled": True, "logging_bucket": "cf-logs.s3.amazonaws.com"}
    bad = finding(result, rule, unlogged)
    assert bad.status is Status.FAIL
    assert bad.evidence == {"logging_enabled": False, "logging_bucket": None}


def test_s3_origin_without_oac_on_moto(aws):
    cloudfront = aws.client("cloudfront")
    anonymous = _distribution(cloudfront, "anonymous", [_s3_origin("site", "site-bucket")], "redirect-to-https")
    custom_only = _distribution(
        cloudfront, "custom", [_custom_origin("api", "api.example.com", "https-only")], "https-only"
    )
    rule = "aws.cloudfront.s3_origin_access_control"
    result = scan(aws, rule)
    bad = finding(result, rule, anonymous)
    assert bad.status is Status.FAIL
    assert bad.evidence == {"s3_origins": ["site"], "s3_origins_without_oac": ["site: no origin access control"]}
    assert not [f for f in result.findings if f.rule_id == rule and f.resource.id == custom_only]


# -- a fake CloudFront endpoint answering REST-XML ---------------------------------------------------

NS = "http://cloudfront.amazonaws.com/doc/2020-05-31/"


def _xml(tag: str, value) -> str:
    """CloudFront's XML: dicts are structures, (member_tag, list) pairs are lists, bools lower-case."""
    if isinstance(value, dict):
        inner = "".join(_xml(key, inner) for key, inner in value.items())
    elif isinstance(value, tuple):
        member, items = value
        inner = "".join(_xml(member, item) for item in items)
    elif isinstance(value, bool):
        inner = "true" if value else "false"
    else:
        inner = escape(str(value))
    return f"<{tag}>{inner}</{tag}>"


def _listed(items: tuple[str, list]) -> dict:
    return {"Quantity": len(items[1]), "Items": items} if items[1] else {"Quantity": 0}


def _s3_origin_xml(origin_id: str, bucket: str, *, oac: str = "", oai: str = "") -> dict:
    return {
        "Id": origin_id,
        "DomainName": f"{bucket}.s3.eu-west-1.amazonaws.com",
        "OriginPath": "",
        "CustomHeaders": {"Quantity": 0},
        "S3OriginConfig": {"OriginAccessIdentity": f"origin-access-identity/cloudfront/{oai}" if oai else ""},
        "ConnectionAttempts": 3,
        "ConnectionTimeout": 10,
        "OriginShield": {"Enabled": False},
        "OriginAccessControlId": oac,
    }


def _certificate(minimum: str | None) -> dict:
    if minimum is None:  # the default *.cloudfront.net certificate
        return {
            "CloudFrontDefaultCertificate": True,
            "SSLSupportMethod": "vip",
            "MinimumProtocolVersion": "TLSv1",
            "CertificateSource": "cloudfront",
        }
    return {
        "CloudFrontDefaultCertificate": False,
        "ACMCertificateArn": CERTIFICATE,
        "SSLSupportMethod": "sni-only",
        "MinimumProtocolVersion": minimum,
        "Certificate": CERTIFICATE,
        "CertificateSource": "acm",
    }


def _summary(distribution_id: str, alias: str | None, origins: list[dict], minimum: str | None) -> dict:
    methods = ("Method", ["HEAD", "GET"])
    return {
        "Id": distribution_id,
        "ARN": f"arn:aws:cloudfront::{ACCOUNT}:distribution/{distribution_id}",
        "Status": "Deployed",
        "LastModifiedTime": "2025-03-01T10:00:00.000Z",
        "DomainName": f"d{distribution_id.lower()}.cloudfront.net",
        "Aliases": _listed(("CNAME", [alias] if alias else [])),
        "Origins": _listed(("Origin", origins)),
        "OriginGroups": {"Quantity": 0},
        "DefaultCacheBehavior": {
            "TargetOriginId": origins[0]["Id"],
            "TrustedSigners": {"Enabled": False, "Quantity": 0},
            "TrustedKeyGroups": {"Enabled": False, "Quantity": 0},
            "ViewerProtocolPolicy": "redirect-to-https",
            "AllowedMethods": {"Quantity": 2, "Items": methods, "CachedMethods": {"Quantity": 2, "Items": methods}},
            "SmoothStreaming": False,
            "Compress": True,
            "LambdaFunctionAssociations": {"Quantity": 0},
            "FunctionAssociations": {"Quantity": 0},
            "FieldLevelEncryptionId": "",
            "CachePolicyId": CACHING_OPTIMIZED,
        },
        "CacheBehaviors": {"Quantity": 0},
        "CustomErrorResponses": {"Quantity": 0},
        "Comment": "",
        "PriceClass": "PriceClass_100",
        "Enabled": True,
        "ViewerCertificate": _certificate(minimum),
        "Restrictions": {"GeoRestriction": {"RestrictionType": "none", "Quantity": 0}},
        "WebACLId": "",
        "HttpVersion": "http2and3",
        "IsIPV6Enabled": True,
        "Staging": False,
    }


def _xml_response(tag: str, body: dict, headers: dict[str, str] | None = None) -> Response:
    document = _xml(tag, body).replace(f"<{tag}>", f'<?xml version="1.0"?>\n<{tag} xmlns="{NS}">', 1)
    return Response(document, status=200, headers=headers or {}, content_type="text/xml")


def _serve_distributions(fake: FakeAws, summaries: list[dict], page_size: int = 2) -> None:
    """ListDistributions paged by Marker/NextMarker as CloudFront does, and each GetDistributionConfig."""

    def list_distributions(request: Request) -> Response:
        start = int(request.args.get("Marker") or 0)
        page = summaries[start : start + page_size]
        truncated = start + page_size < len(summaries)
        body = {"Marker": request.args.get("Marker", ""), "MaxItems": page_size, "IsTruncated": truncated}
        if truncated:
            body["NextMarker"] = str(start + page_size)
        body["Quantity"] = len(page)
        if page:
            body["Items"] = ("DistributionSummary", page)
        return _xml_response("DistributionList", body)

    fake.handle("/2020-05-31/distribution", list_distributions)
    for summary in summaries:
        config = {
            "CallerReference": f"ref-{summary['Id']}",
            "Aliases": summary["Aliases"],
            "DefaultRootObject": "index.html",
            "Origins": summary["Origins"],
            "DefaultCacheBehavior": summary["DefaultCacheBehavior"],
            "Comment": "",
            "Logging": {"Enabled": False, "IncludeCookies": False, "Bucket": "", "Prefix": ""},
            "PriceClass": summary["PriceClass"],
            "Enabled": True,
            "ViewerCertificate": summary["ViewerCertificate"],
        }
        fake.handle(
            f"/2020-05-31/distribution/{summary['Id']}/config",
            lambda request, config=config: _xml_response("DistributionConfig", config, {"ETag": "E2QWRUHEXAMPLE"}),
        )


def test_s3_origin_access_control_and_tls12_on_realistic_answers(aws, monkeypatch):
    summaries = [
        _summary(
            "E1OACSITE", "www.example.com", [_s3_origin_xml("site", "site-bucket", oac="E3OACEXAMPLE1")], "TLSv1.2_2021"
        ),
        _summary(
            "E2OAIASSETS",
            "assets.example.com",
            [_s3_origin_xml("assets", "assets-bucket", oai="E2QWRUHAPOMQZL")],
            "TLSv1",
        ),
        _summary(
            "E3MIXED",
            None,
            [_s3_origin_xml("media", "media-bucket", oac="E3OACEXAMPLE2"), _s3_origin_xml("raw", "raw-bucket")],
            None,
        ),
    ]
    rules = ("aws.cloudfront.s3_origin_access_control", "aws.cloudfront.distribution_tls12")
    oac, tls = rules
    with FakeAws.serving() as fake:
        fake.serve(monkeypatch, "cloudfront")
        _serve_distributions(fake, summaries)
        result = scan(aws, *rules)
    # Two pages of ListDistributions, one GetDistributionConfig per distribution (for logging), nothing else.
    assert fake.count("/2020-05-31/distribution") == 2
    assert sorted(path for path in fake.paths if path.endswith("/config")) == [
        "/2020-05-31/distribution/E1OACSITE/config",
        "/2020-05-31/distribution/E2OAIASSETS/config",
        "/2020-05-31/distribution/E3MIXED/config",
    ]
    good = finding(result, oac, "E1OACSITE")
    assert good.status is Status.PASS
    assert good.evidence == {"s3_origins": ["site"], "s3_origins_without_oac": []}
    assert good.resource.name == "www.example.com"
    legacy = finding(result, oac, "E2OAIASSETS")
    assert legacy.status is Status.FAIL
    assert legacy.evidence["s3_origins_without_oac"] == ["assets: legacy origin access identity (E2QWRUHAPOMQZL)"]
    mixed = finding(result, oac, "E3MIXED")
    assert mixed.status is Status.FAIL
    assert mixed.evidence == {
        "s3_origins": ["media", "raw"],
        "s3_origins_without_oac": ["raw: no origin access control"],
    }
    assert mixed.resource.name == "de3mixed.cloudfront.net"
    assert status_of(result, tls, "E1OACSITE") is Status.PASS
    weak = finding(result, tls, "E2OAIASSETS")
    assert weak.status is Status.FAIL
    assert weak.evidence == {"custom_certificate": True, "minimum_protocol_version": "TLSv1"}
    # The default cloudfront.net certificate has no policy to choose: not evaluated.
    assert not [f for f in result.findings if f.rule_id == tls and f.resource.id == "E3MIXED"]
