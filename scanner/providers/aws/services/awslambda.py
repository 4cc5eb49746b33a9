"""Lambda: who may invoke a function (resource policy, function URLs) and whether its runtime is still supported.

The module is not called ``lambda`` (a Python keyword); the resource type and rule ids are
``aws.lambda.*`` all the same.

Per function: ``ListFunctions`` (listed), ``GetPolicy`` (no policy answers
``ResourceNotFoundException``: not configured) and ``ListFunctionUrlConfigs``. Runtime deprecation
dates are data, ``scanner/providers/aws/data/lambda_runtimes.yaml``, compared with the scan date.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from scanner.providers.aws import policy
from scanner.providers.spec import Call, Detail, Item, ResourceSpec

RUNTIMES_FILE = Path(__file__).resolve().parents[1] / "data" / "lambda_runtimes.yaml"
_FUNCTION = {"FunctionName": "{FunctionName}"}


@cache
def runtime_table() -> tuple[dict[str, date | None], str, str]:
    """Runtime identifier -> deprecation date (None: none scheduled), the source page and its retrieval date."""
    data = yaml.safe_load(RUNTIMES_FILE.read_text(encoding="utf-8"))
    table = {str(name): entry.get("deprecated") for name, entry in data["runtimes"].items()}
    return table, str(data["source"]), str(data["retrieved"])


def runtime_status(runtime: str | None, today: date) -> dict[str, Any]:
    """Whether ``runtime`` is supported on ``today``: ``supported``, ``deprecated`` or ``unknown``.

    A runtime the table does not know is ``unknown``, which the rule fails: it may be one deprecated
    before the table was written, or one newer than it; either way a person must look, and a PASS would
    hide the first case. (ERROR is kept for what could not be collected: the runtime itself was.)
    """
    table, source, retrieved = runtime_table()
    if runtime is None:
        return {"runtime_status": None, "runtime_deprecation_date": None, "runtime_status_reason": None}
    if runtime not in table:
        reason = (
            f"is not in cloudscan's Lambda runtime table (retrieved {retrieved}); check it against {source} "
            "and add it to scanner/providers/aws/data/lambda_runtimes.yaml"
        )
        return {"runtime_status": "unknown", "runtime_deprecation_date": None, "runtime_status_reason": reason}
    deprecated = table[runtime]
    if deprecated is None:
        status, reason = "supported", "is supported; no deprecation date is scheduled"
    elif deprecated <= today:
        status, reason = "deprecated", f"was deprecated on {deprecated.isoformat()}"
    else:
        status, reason = "supported", f"is supported until {deprecated.isoformat()}"
    return {
        "runtime_status": status,
        "runtime_deprecation_date": deprecated.isoformat() if deprecated else None,
        "runtime_status_reason": reason,
    }


def _resource_policy(document: Any) -> dict[str, Any]:
    return {
        "has_policy": document is not None,
        "public_policy_statements": policy.public_allow_statements(document),
    }


def _function_urls(configs: list[dict[str, Any]] | None) -> dict[str, Any]:
    configs = [config for config in configs or [] if isinstance(config, dict)]
    return {
        "function_urls": [
            {"url": config.get("FunctionUrl"), "auth_type": config.get("AuthType")} for config in configs
        ],
        # AuthType NONE: Lambda does not check IAM on the URL; anyone the resource policy lets in may call it.
        "public_function_urls": [
            str(config.get("FunctionUrl")) for config in configs if config.get("AuthType") == "NONE"
        ],
    }


def _normalize_function(item: Item) -> dict[str, Any]:
    raw = item.raw
    # Container-image functions carry no Runtime: their base image is the customer's to patch.
    package_type = raw.get("PackageType") or "Zip"
    runtime = raw.get("Runtime") if package_type == "Zip" else None
    today = datetime.now(timezone.utc).date()
    return {"package_type": package_type, "runtime": runtime, **runtime_status(runtime, today)}


FUNCTION = ResourceSpec(
    type="aws.lambda.function",
    service="lambda",
    scope="regional",
    listing=Call("list_functions", result="Functions"),
    id="{FunctionName}",
    name="{FunctionName}",
    arn="{FunctionArn}",
    normalize=_normalize_function,
    details=(
        Detail(
            "policy",
            Call("get_policy", _FUNCTION, result="Policy", absent=("ResourceNotFoundException",)),
            _resource_policy,
        ),
        Detail("urls", Call("list_function_url_configs", _FUNCTION, result="FunctionUrlConfigs"), _function_urls),
    ),
)

SPECS = (FUNCTION,)
