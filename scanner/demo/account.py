"""Demo account settings: billing and operations contacts, but no security contact."""

from __future__ import annotations

import boto3


def plant(session: boto3.Session, regions: list[str]) -> None:
    account = session.client("account", region_name=regions[-1])
    for kind, name in (("BILLING", "Accounts payable"), ("OPERATIONS", "Platform operations")):
        account.put_alternate_contact(
            AlternateContactType=kind,
            Name=name,
            Title=name,
            EmailAddress=f"{kind.lower()}@example.com",
            PhoneNumber="+1-555-0100",
        )
