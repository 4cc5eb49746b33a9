"""AWS account settings: is a security alternate contact registered?

One ``aws.account.settings`` resource per account. ``GetAlternateContact``
answers ``ResourceNotFoundException`` when no contact of the type exists: that is
"none registered", not an error. Only whether one exists is kept: the contact's
name, e-mail address and phone number are personal data and stay out of reports.
"""

from __future__ import annotations

from typing import Any

from scanner.providers.spec import Call, Detail, singleton


def _security_contact(contact: dict[str, Any] | None) -> dict[str, Any]:
    contact = contact if isinstance(contact, dict) else {}
    return {"security_contact_registered": bool(contact.get("EmailAddress"))}


SETTINGS = singleton(
    type="aws.account.settings",
    service="account",
    id="{account}",
    name="AWS account {account}",
    details=(
        Detail(
            "security_contact",
            Call(
                "get_alternate_contact",
                {"AlternateContactType": "SECURITY"},
                result="AlternateContact",
                absent=("ResourceNotFoundException",),
            ),
            _security_contact,
        ),
    ),
)

SPECS = (SETTINGS,)
