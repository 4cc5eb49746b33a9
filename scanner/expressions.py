"""What a JMESPath condition reads from the resource config.

Rules declare the config fields they read (``check.fields``); this module reads
the expressions themselves so the loader can prove the declaration true, and the
engine knows which fields ``applies_when`` depends on.
"""

from __future__ import annotations

from typing import Any

import jmespath

# Node types whose first child is evaluated against the current value and the
# rest against what it produced: only the first child can read root fields.
_LEFT_ONLY = {
    "subexpression",
    "projection",
    "value_projection",
    "filter_projection",
    "pipe",
    "index_expression",
    "flatten",
}
# Node types that read nothing from the current value (an expref is applied to list elements).
_NOTHING = {"literal", "index", "slice", "expref", "raw_literal"}


class WholeDocument(ValueError):
    """The expression reads the whole config (``@``), not named fields."""


def root_fields(expression: str) -> set[str]:
    """Top-level config fields an expression reads; raises ``WholeDocument`` for ``@``."""
    return _fields(jmespath.compile(expression).parsed)


def _fields(node: dict[str, Any]) -> set[str]:
    kind = node["type"]
    if kind == "field":
        return {node["value"]}
    if kind in ("current", "identity"):
        raise WholeDocument("the expression reads the whole config (@); name the fields instead")
    if kind in _NOTHING:
        return set()
    children = node.get("children", [])
    if kind in _LEFT_ONLY:
        return _fields(children[0]) if children else set()
    found: set[str] = set()
    for child in children:
        found |= _fields(child)
    return found
