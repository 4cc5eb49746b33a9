"""Demo EKS: a cluster whose API endpoint is open to the Internet, otherwise well configured."""

from __future__ import annotations

import boto3


def plant(session: boto3.Session, regions: list[str]) -> None:
    account = session.client("sts").get_caller_identity()["Account"]
    # The demo's rotated data key (planted by the kms module, alias/demo-data); EKS accepts an alias ARN.
    key = f"arn:aws:kms:{regions[0]}:{account}:alias/demo-data"
    session.client("eks", region_name=regions[0]).create_cluster(
        name="demo-platform",
        roleArn=f"arn:aws:iam::{account}:role/demo-eks-cluster",
        resourcesVpcConfig={
            "subnetIds": ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
            "endpointPublicAccess": True,
            "endpointPrivateAccess": True,
            "publicAccessCidrs": ["0.0.0.0/0"],
        },
        encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": key}}],
        logging={"clusterLogging": [{"types": ["api", "audit", "authenticator"], "enabled": True}]},
    )
