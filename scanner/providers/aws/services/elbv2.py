"""Elastic Load Balancing v2 (Application and Network Load Balancers): listeners and access logs.

Per load balancer: DescribeListeners (the API lists listeners of one load balancer only) and
DescribeLoadBalancerAttributes. Listener rules beyond the default action (DescribeRules, per
listener) are not read: an HTTP listener whose default action redirects to HTTPS may still
forward some paths in clear text through a non-default rule.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from scanner.providers.spec import Call, Detail, Item, ResourceSpec

_LOAD_BALANCER = {"LoadBalancerArn": "{LoadBalancerArn}"}
_ENCRYPTED_PROTOCOLS = ("HTTPS", "TLS")


def _tls12_policies() -> frozenset[str]:
    """Security policies with TLS 1.2 as their minimum, from ``elbv2_tls_policies.yaml`` (sources there)."""
    data = yaml.safe_load(Path(__file__).with_name("elbv2_tls_policies.yaml").read_text(encoding="utf-8"))
    return frozenset(str(name) for name in data["policies"])


TLS12_POLICIES = _tls12_policies()


def _listener_label(listener: dict[str, Any]) -> str:
    return f"{listener.get('Protocol')}:{listener.get('Port')}"


def _redirects_to_https(listener: dict[str, Any]) -> bool:
    """The default action redirects with protocol HTTPS ("#{protocol}" would keep HTTP)."""
    for action in listener.get("DefaultActions") or []:
        if action.get("Type") == "redirect":
            return str((action.get("RedirectConfig") or {}).get("Protocol", "")).upper() == "HTTPS"
    return False


def _default_action(listener: dict[str, Any]) -> str:
    actions = sorted(listener.get("DefaultActions") or [], key=lambda action: action.get("Order", 0))
    if not actions:
        return "no action"
    action = actions[-1]
    if action.get("Type") == "redirect":
        return f"redirect to {(action.get('RedirectConfig') or {}).get('Protocol', '#{protocol}')}"
    return str(action.get("Type"))


def _listeners(listeners: list[dict[str, Any]] | None) -> dict[str, Any]:
    listeners = sorted(listeners or [], key=lambda listener: (listener.get("Port", 0), listener.get("Protocol", "")))
    encrypted = [listener for listener in listeners if listener.get("Protocol") in _ENCRYPTED_PROTOCOLS]
    plain_http = [listener for listener in listeners if listener.get("Protocol") == "HTTP"]
    return {
        "listeners": [_listener_label(listener) for listener in listeners],
        "tls_listener_policies": [f"{_listener_label(item)} {item.get('SslPolicy')}" for item in encrypted],
        "weak_tls_listeners": [
            f"{_listener_label(item)} {item.get('SslPolicy')}"
            for item in encrypted
            if item.get("SslPolicy") not in TLS12_POLICIES
        ],
        "http_listeners": [_listener_label(listener) for listener in plain_http],
        "http_listeners_not_redirecting": [
            f"{_listener_label(listener)} {_default_action(listener)}"
            for listener in plain_http
            if not _redirects_to_https(listener)
        ],
    }


def _attributes(attributes: list[dict[str, Any]] | None) -> dict[str, Any]:
    # AWS always returns access_logs.s3.enabled ("true"/"false"); a missing key means off.
    values = {str(entry.get("Key")): entry.get("Value") for entry in attributes or []}
    return {
        "access_logs_enabled": str(values.get("access_logs.s3.enabled", "false")).lower() == "true",
        "access_logs_bucket": values.get("access_logs.s3.bucket") or None,
    }


def _normalize(item: Item) -> dict[str, Any]:
    return {
        "lb_type": item.raw.get("Type"),
        "scheme": item.raw.get("Scheme"),
        "dns_name": item.raw.get("DNSName"),
        "vpc_id": item.raw.get("VpcId"),
        "state": (item.raw.get("State") or {}).get("Code"),
    }


LOAD_BALANCER = ResourceSpec(
    type="aws.elbv2.load_balancer",
    service="elbv2",
    scope="regional",
    listing=Call("describe_load_balancers", result="LoadBalancers"),
    id="{LoadBalancerName}",
    name="{LoadBalancerName}",
    arn="{LoadBalancerArn}",
    normalize=_normalize,
    details=(
        Detail("listeners", Call("describe_listeners", _LOAD_BALANCER, result="Listeners"), _listeners),
        Detail(
            "attributes",
            Call("describe_load_balancer_attributes", _LOAD_BALANCER, result="Attributes"),
            _attributes,
        ),
    ),
)

SPECS = (LOAD_BALANCER,)
