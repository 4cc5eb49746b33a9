"""A rule's examples as the engine sees them: a normalized resource and the scan parameters.

Each rule file carries ``examples`` (a config, identity overrides, scan parameters
and the verdict the rule must give). The test suite evaluates every one with the
real engine, and anything that shows a rule to a person (``cloudscan rules show``)
can build the very same resource here. Only the models are imported: no provider
code, so the rule loader can use this to validate examples.
"""

from __future__ import annotations

from scanner.models import Resource, Rule, RuleExample, ScanParams

# Identity of an example resource when the example does not override it.
EXAMPLE_ACCOUNTS = {"aws": "123456789012", "azure": "00000000-0000-0000-0000-000000000000", "gcp": "example-project"}
EXAMPLE_REGIONS = {"aws": "us-east-1", "azure": "westeurope", "gcp": "us-central1"}

# Identity fields an example may override; provider and type always come from the rule.
OVERRIDABLE = ("account", "region", "id", "arn", "name", "tags")


def example_resource(rule: Rule, example: RuleExample) -> Resource:
    """The normalized resource an example describes: the rule's provider and type, the example's config.

    Raises ``pydantic.ValidationError`` if the example's identity overrides do not fit a resource.
    """
    provider = rule.provider
    default_id = f"example-{rule.resource_type.rsplit('.', 1)[1].replace('_', '-')}"
    identity = {
        "account": EXAMPLE_ACCOUNTS.get(provider, "example-account"),
        "region": EXAMPLE_REGIONS.get(provider, "global"),
        "id": default_id,
        "name": example.resource.get("id", default_id),
        **example.resource,
    }
    return Resource(**{**identity, "provider": provider, "type": rule.resource_type}, config=dict(example.config))


def example_params(example: RuleExample) -> ScanParams:
    """The scan parameters an example is evaluated with (``params.*`` in the check)."""
    return ScanParams.model_validate(example.params)
