"""Facts about IAM-style policy documents (bucket, key and identity policies).

Computed once in the adapter as named derived fields, so rules stay declarative.
"""

from __future__ import annotations

import json
from typing import Any

# Condition keys that tie a statement to specific principals, networks or
# sources; a statement with one of them is not open to "everyone".
RESTRICTING_CONDITION_KEYS = frozenset(
    key.lower()
    for key in (
        "aws:SourceArn",
        "aws:SourceAccount",
        "aws:SourceOwner",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:SourceIp",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:ResourceOrgID",
        "aws:ResourceAccount",
        "aws:userid",
        "aws:username",
    )
)


def parse(document: Any) -> dict[str, Any]:
    """A policy as a dict, whether given as JSON text (possibly URL-decoded already) or dict."""
    if document is None:
        return {}
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except json.JSONDecodeError:
            return {}
    return document if isinstance(document, dict) else {}


def statements(document: Any) -> list[dict[str, Any]]:
    found = parse(document).get("Statement", [])
    if isinstance(found, dict):
        found = [found]
    return [statement for statement in found if isinstance(statement, dict)]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def statement_label(statement: dict[str, Any], index: int) -> str:
    return str(statement.get("Sid") or f"Statement[{index}]")


def principal_is_public(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict):
        return any(value == "*" for key in ("AWS", "CanonicalUser") for value in _as_list(principal.get(key)))
    return False


def has_restricting_condition(statement: dict[str, Any]) -> bool:
    condition = statement.get("Condition") or {}
    if not isinstance(condition, dict):
        return False
    for operator_block in condition.values():
        if isinstance(operator_block, dict) and any(
            key.lower() in RESTRICTING_CONDITION_KEYS for key in operator_block
        ):
            return True
    return False


def public_allow_statements(document: Any) -> list[str]:
    """Allow statements granting to anyone (``*``) without a restricting condition."""
    return [
        statement_label(statement, index)
        for index, statement in enumerate(statements(document))
        if statement.get("Effect") == "Allow"
        and principal_is_public(statement.get("Principal"))
        and not has_restricting_condition(statement)
    ]


def denies_insecure_transport(document: Any) -> bool:
    """True if a Deny statement rejects requests whose aws:SecureTransport is false."""
    for statement in statements(document):
        if statement.get("Effect") != "Deny" or not principal_is_public(statement.get("Principal")):
            continue
        actions = [str(action).lower() for action in _as_list(statement.get("Action"))]
        if not any(action in ("*", "s3:*") for action in actions):
            continue
        condition = statement.get("Condition") or {}
        for operator in ("Bool", "BoolIfExists"):
            block = condition.get(operator) or {}
            for key, value in block.items():
                if key.lower() == "aws:securetransport" and str(_as_list(value)[0]).lower() == "false":
                    return True
    return False


def full_admin_statements(document: Any) -> list[str]:
    """Allow statements granting every action on every resource (``*`` / ``*:*``)."""
    return [
        statement_label(statement, index)
        for index, statement in enumerate(statements(document))
        if statement.get("Effect") == "Allow"
        and "NotAction" not in statement
        and any(action in ("*", "*:*") for action in _as_list(statement.get("Action")))
        and "*" in _as_list(statement.get("Resource"))
    ]


# In a KMS key policy, kms:CallerAccount also ties a "*" principal to one account: AWS-managed key
# policies grant "*" with it (and kms:ViaService, which alone still admits every account).
_KMS_RESTRICTING_CONDITION_KEYS = frozenset({"kms:calleraccount"})


def public_key_policy_statements(document: Any) -> list[str]:
    """Allow statements of a KMS key policy granting to anyone (``*``) without a restricting condition."""
    found = []
    for index, statement in enumerate(statements(document)):
        if statement.get("Effect") != "Allow" or not principal_is_public(statement.get("Principal")):
            continue
        if has_restricting_condition(statement):
            continue
        condition = statement.get("Condition")
        blocks = condition.values() if isinstance(condition, dict) else ()
        if any(
            isinstance(block, dict) and any(key.lower() in _KMS_RESTRICTING_CONDITION_KEYS for key in block)
            for block in blocks
        ):
            continue
        found.append(statement_label(statement, index))
    return found


# Condition operators that deny a request whose aws:RequestedRegion is not one of the listed values.
_REGION_NOT_IN = ("stringnotequals", "stringnotequalsifexists", "stringnotequalsignorecase", "stringnotlike")


def region_allow_lists(document: Any) -> list[list[str]]:
    """For each Deny statement that denies (nearly) everything outside a region list, that list.

    A statement counts when it is a Deny on every resource, for every action (``Action: "*"``) or for
    every action but some (``NotAction``, which SCPs use to exempt global services such as IAM), with a
    ``StringNotEquals``-style condition on ``aws:RequestedRegion``. Other condition keys in the same
    statement (e.g. ``ArnNotLike`` on ``aws:PrincipalARN`` for a break-glass role) are allowed, as in
    AWS's own example SCP.
    """
    found = []
    for statement in statements(document):
        if statement.get("Effect") != "Deny" or "*" not in _as_list(statement.get("Resource", "*")):
            continue
        if "NotAction" not in statement and "*" not in _as_list(statement.get("Action")):
            continue
        condition = statement.get("Condition") or {}
        if not isinstance(condition, dict):
            continue
        for operator, block in condition.items():
            if str(operator).lower() not in _REGION_NOT_IN or not isinstance(block, dict):
                continue
            for key, value in block.items():
                if str(key).lower() == "aws:requestedregion":
                    found.append(sorted({str(region) for region in _as_list(value)}))
    return found
