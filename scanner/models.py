"""Pydantic models at cloudscan's boundaries.

Data flows one way: adapters build ``Resource`` objects, the engine turns them
into ``Finding`` objects using ``Rule`` definitions, and report writers read a
``ScanResult``. Keeping these shapes explicit is what lets every report format,
the JSON Schema and the tests agree on one contract.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# findings.json: the major version changes only when a reader of the old one would misread the new one;
# additive fields bump the minor. Readers refuse an unknown major version.
SCHEMA_VERSION = "1.1"
SCHEMA_MAJOR = SCHEMA_VERSION.split(".")[0]


class Severity(str, Enum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse; used for gating and ordering."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}


class Status(str, Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    ERROR = "ERROR"
    MUTED = "MUTED"

    @property
    def urgency(self) -> int:
        """Lower comes first in reports: failures, then errors, accepted risks, passes."""
        return _STATUS_URGENCY[self]


_STATUS_URGENCY = {Status.FAIL: 0, Status.ERROR: 1, Status.MUTED: 2, Status.PASS: 3}


class Responsibility(str, Enum):
    CUSTOMER = "customer"
    SHARED = "shared"
    PROVIDER = "provider"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ResourceRef(Strict):
    """The identity of a resource, as shown in reports (no configuration)."""

    provider: str
    account: str
    region: str
    type: str
    id: str
    arn: str | None = None
    name: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)

    @property
    def service(self) -> str:
        return self.type.split(".")[1]


class Resource(ResourceRef):
    """A normalized cloud resource: identity, tags and the config rules read.

    ``unavailable`` maps config fields that could not be collected (AccessDenied,
    throttling, timeout) to the reason, so rules reading them yield ERROR
    instead of silently passing.
    """

    config: dict[str, Any] = Field(default_factory=dict)
    unavailable: dict[str, str] = Field(default_factory=dict)

    def ref(self) -> ResourceRef:
        return ResourceRef(**self.model_dump(include=set(ResourceRef.model_fields)))


class Remediation(Strict):
    text: str
    console: str | None = None
    cli: str | None = None
    terraform: str | None = None
    url: str | None = None


class Check(Strict):
    """A declarative check over ``Resource.config``.

    ``fields`` are what the check reads: config keys, or paths under the reserved
    roots ``resource`` (identity, e.g. ``resource.region``) and ``params`` (scan
    policy, e.g. ``params.allowed_regions``). They become the finding's
    evidence, and if any of them could not be collected the result is ERROR.
    ``pass_when`` and ``applies_when`` are JMESPath expressions over the config
    and the reserved roots; ``pass_when`` true means PASS, and both may read only
    the roots of ``fields``.
    """

    fields: tuple[str, ...] = Field(min_length=1)
    pass_when: str
    applies_when: str | None = None
    message_pass: str
    message_fail: str


class RuleExample(Strict):
    """A normalized resource and the verdict the rule must give on it.

    Examples document a rule for its reviewers and are evaluated by the real
    engine in the test suite, so a rule and its documentation cannot disagree.
    ``config`` is the resource's normalized config (every field the check reads),
    ``resource`` overrides identity fields (``region``, ``id``, ``name``, ``tags``)
    and ``params`` the scan parameters (``allowed_regions``). ``SKIP`` means the
    rule does not apply to the resource (``applies_when`` is false): no finding.
    """

    name: str = Field(min_length=1)
    expect: Literal["PASS", "FAIL", "SKIP"]
    config: dict[str, Any] = Field(default_factory=dict)
    resource: dict[str, Any] = Field(default_factory=dict)
    params: dict[str, Any] = Field(default_factory=dict)


class RuleInfo(Strict):
    """What a report says about a rule: identity, severity, why it matters and how to fix it.

    ``findings.json`` carries this for every rule that ran, so re-rendering a saved
    scan never depends on the rule files installed at the time.
    """

    id: str = Field(pattern=r"^[a-z0-9]+\.[a-z0-9_]+\.[a-z0-9_]+$")
    title: str
    resource_type: str = Field(pattern=r"^[a-z0-9]+\.[a-z0-9_]+\.[a-z0-9_]+$")
    severity: Severity
    rationale: str
    remediation: Remediation
    references: tuple[str, ...] = ()

    @property
    def provider(self) -> str:
        return self.id.split(".")[0]

    @property
    def service(self) -> str:
        return self.id.split(".")[1]


class Rule(RuleInfo):
    """A rule as loaded from its YAML file: report metadata, the check, and examples."""

    check: Check
    examples: tuple[RuleExample, ...] = ()

    def info(self) -> RuleInfo:
        return RuleInfo(**self.model_dump(include=set(RuleInfo.model_fields)))


class ControlRef(Strict):
    framework: str
    id: str
    title: str
    responsibility: Responsibility
    rationale: str


class AppliesTo(str, Enum):
    CUSTOMER = "customer"
    PROVIDER = "provider"
    BOTH = "both"


class Checkability(str, Enum):
    AUTOMATED = "automated"
    PARTLY = "partly"
    MANUAL = "manual-process"


class Control(Strict):
    id: str
    title: str
    applies_to: AppliesTo
    checkability: Checkability
    cloud_guidance: bool = True
    iso27001_2022: tuple[str, ...] = ()
    provider_evidence: str | None = None
    notes: str | None = None


class Catalogue(Strict):
    framework: str
    name: str
    controls: tuple[Control, ...] = Field(min_length=1)

    def control(self, control_id: str) -> Control | None:
        return next((control for control in self.controls if control.id == control_id), None)


class ControlMapping(Strict):
    framework: str
    control: str
    responsibility: Responsibility
    rationale: str


class WaiverRef(Strict):
    """The risk acceptance that muted a finding."""

    id: str
    reason: str
    owner: str
    expires: date


class Finding(Strict):
    rule_id: str
    title: str
    status: Status
    severity: Severity
    message: str
    resource: ResourceRef
    evidence: dict[str, Any]
    remediation: Remediation
    controls: tuple[ControlRef, ...] = ()
    responsibility: Responsibility | None = None
    fingerprint: str
    waiver: WaiverRef | None = None
    baseline: Literal["new", "unchanged"] | None = None

    @staticmethod
    def fingerprint_for(rule_id: str, resource: ResourceRef) -> str:
        """Stable identity of (rule, resource) across scans; used by SARIF and baselines."""
        key = "|".join([rule_id, resource.provider, resource.account, resource.region, resource.type, resource.id])
        return hashlib.sha256(key.encode()).hexdigest()[:32]


class ScanError(Strict):
    """A collection failure that is not tied to a single rule result."""

    provider: str
    account: str
    region: str
    service: str
    operation: str
    resource_type: str | None = None
    code: str
    message: str


class TagSelector(Strict):
    """A tag that marks a class of resources, e.g. ``environment: production``."""

    key: str = Field(min_length=1)
    value: str


class ScanParams(Strict):
    """User-set policy that rules may read as ``params`` (e.g. the data-residency region list).

    ``production_tag`` and ``personal_data_tag`` say how the organization marks production
    resources and stores of personal data; rules read the outcome per resource as
    ``tagged.production`` and ``tagged.personal_data``.
    """

    allowed_regions: tuple[str, ...] = ()
    production_tag: TagSelector = TagSelector(key="environment", value="production")
    personal_data_tag: TagSelector = TagSelector(key="data-classification", value="personal")

    def tagged(self, tags: dict[str, str]) -> dict[str, bool]:
        """Which tag-defined classes a resource with ``tags`` belongs to."""
        return {
            "production": tags.get(self.production_tag.key) == self.production_tag.value,
            "personal_data": tags.get(self.personal_data_tag.key) == self.personal_data_tag.value,
        }


# Names a rule condition may read besides the resource config: the resource's identity
# (``resource.region``), the scan's parameters (``params.allowed_regions``) and the classes
# the resource's tags put it in under those parameters (``tagged.production``).
RESERVED_ROOTS = ("resource", "params", "tagged")


class ScanMeta(Strict):
    tool: str = "cloudscan"
    tool_version: str
    provider: str
    account: str
    regions: tuple[str, ...]
    started: datetime
    finished: datetime
    rules_evaluated: int
    rule_ids: tuple[str, ...] = ()
    frameworks: tuple[str, ...] = ()
    resources_scanned: int
    api_calls: int = 0
    params: ScanParams = ScanParams()


class Summary(Strict):
    total: int
    by_status: dict[str, int]
    failed_by_severity: dict[str, int]
    errors: int


class WaiverStatus(Strict):
    """How one waiver entry fared in this scan: active, expired (no longer mutes) or stale (matched nothing)."""

    id: str
    rule: str
    reason: str
    owner: str
    expires: date
    state: Literal["active", "expired", "stale"]
    matched: int


class ResolvedFinding(Strict):
    """A problem of the baseline scan that this scan no longer finds."""

    rule_id: str
    title: str
    severity: Severity
    resource: ResourceRef
    fingerprint: str


class BaselineSummary(Strict):
    source: str
    new: int
    unchanged: int
    resolved: tuple[ResolvedFinding, ...]


class RuleRecord(RuleInfo):
    """A rule that ran, as ``findings.json`` records it: its report metadata and its control mappings."""

    controls: tuple[ControlMapping, ...] = ()


class ScanResult(Strict):
    """Everything one scan found, and everything its reports need to be rendered again later.

    ``rules`` (the rules that ran, with the control mappings in force) and
    ``catalogues`` (the ISO control catalogues) make the file self-describing:
    ``cloudscan report`` and ``cloudscan controls --from`` read nothing else.
    Reports of schema 1.0 lack them; readers fall back to the bundled data.
    """

    schema_version: str = SCHEMA_VERSION
    scan: ScanMeta
    summary: Summary
    findings: tuple[Finding, ...]
    errors: tuple[ScanError, ...]
    waivers: tuple[WaiverStatus, ...] = ()
    baseline: BaselineSummary | None = None
    rules: tuple[RuleRecord, ...] = ()
    catalogues: tuple[Catalogue, ...] = ()


def worst_first(finding: Finding) -> tuple:
    """Sort key for reports read by people: most urgent status, then highest severity first."""
    ref = finding.resource
    return (finding.status.urgency, -finding.severity.rank, finding.rule_id, ref.region, ref.type, ref.id)


def summarize(
    findings: tuple[Finding, ...] | list[Finding], errors: tuple[ScanError, ...] | list[ScanError]
) -> Summary:
    by_status = {status.value: 0 for status in Status}
    failed = {severity.value: 0 for severity in Severity}
    for finding in findings:
        by_status[finding.status.value] += 1
        if finding.status is Status.FAIL:
            failed[finding.severity.value] += 1
    return Summary(total=len(findings), by_status=by_status, failed_by_severity=failed, errors=len(errors))
