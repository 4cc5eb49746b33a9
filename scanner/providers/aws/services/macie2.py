"""Amazon Macie: is Macie enabled (and not paused) in each region?

One ``aws.macie.region_settings`` resource per scanned region (a singleton, id =
the region), from ``GetMacieSession``.

Where Macie was never enabled, AWS answers ``AccessDeniedException`` with the
message "Macie is not enabled": the same code IAM uses when the caller may not
call ``macie2:GetMacieSession``. Only that message means "no session" (FAIL);
any other AccessDeniedException is a denied call and stays ERROR.
``ResourceNotFoundException`` (documented for this call; what moto answers once
Macie is disabled) also means no session.
"""

from __future__ import annotations

from typing import Any

from scanner.providers.spec import Call, Detail, singleton


def _session(session: dict[str, Any] | None) -> dict[str, Any]:
    session = session if isinstance(session, dict) else {}
    return {"macie_status": session.get("status") or "NOT_ENABLED"}


REGION_SETTINGS = singleton(
    type="aws.macie.region_settings",
    service="macie2",
    id="{region}",
    name="Amazon Macie in {region}",
    scope="regional",
    details=(
        Detail(
            "session",
            Call(
                "get_macie_session",
                absent=("ResourceNotFoundException",),
                absent_when=(("AccessDeniedException", "Macie is not enabled"),),
            ),
            _session,
        ),
    ),
)

SPECS = (REGION_SETTINGS,)
