"""EKS: the cluster API endpoint's exposure, envelope encryption of Kubernetes secrets, audit logs.

Per region ``ListClusters``; per cluster one ``DescribeCluster``, which answers all three.
"""

from __future__ import annotations

from typing import Any

from scanner.providers.spec import Call, Detail, Item, ResourceSpec

_ANYWHERE = ("0.0.0.0/0", "::/0")


def _cluster(cluster: dict[str, Any] | None) -> dict[str, Any]:
    cluster = cluster or {}
    vpc = cluster.get("resourcesVpcConfig") or {}
    # AWS's defaults when a cluster is created without them: public endpoint, open to 0.0.0.0/0.
    public = bool(vpc.get("endpointPublicAccess", True))
    cidrs = [str(cidr) for cidr in vpc.get("publicAccessCidrs") or (["0.0.0.0/0"] if public else [])]
    secrets_keys = [
        (entry.get("provider") or {}).get("keyArn")
        for entry in cluster.get("encryptionConfig") or []
        if "secrets" in (entry.get("resources") or [])
    ]
    enabled_types = sorted(
        {
            str(log_type)
            for setup in (cluster.get("logging") or {}).get("clusterLogging") or []
            if setup.get("enabled")
            for log_type in setup.get("types") or []
        }
    )
    return {
        "endpoint_public_access": public,
        "endpoint_private_access": bool(vpc.get("endpointPrivateAccess", False)),
        "public_access_cidrs": cidrs if public else [],
        "endpoint_open_cidrs": [cidr for cidr in cidrs if cidr in _ANYWHERE] if public else [],
        "secrets_encrypted": any(secrets_keys),
        "secrets_kms_key": next((str(key) for key in secrets_keys if key), None),
        "enabled_log_types": enabled_types,
        "audit_logging_enabled": "audit" in enabled_types,
        "kubernetes_version": cluster.get("version"),
    }


def _tags(item: Item) -> dict[str, str]:
    tags = (item.details.get("cluster") or {}).get("tags") or {}
    return {str(key): str(value) for key, value in tags.items()}


CLUSTER = ResourceSpec(
    type="aws.eks.cluster",
    service="eks",
    scope="regional",
    # ListClusters answers names only: make each an item the templates can read.
    listing=Call("list_clusters", result="clusters[].{name: @}"),
    id="{name}",
    name="{name}",
    arn="arn:{partition}:eks:{region}:{account}:cluster/{name}",
    details=(Detail("cluster", Call("describe_cluster", {"name": "{name}"}, result="cluster"), _cluster),),
    tags=_tags,
)

SPECS = (CLUSTER,)
