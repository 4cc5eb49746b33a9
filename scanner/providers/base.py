"""The one interface every cloud provider implements, and the errors it may raise.

A provider turns neutral inputs (connection options, a target, ``ApiSettings``)
into an inventory of normalized resources. Everything before (flags, config) is
the CLI's job and everything after (rules, mappings, reports, exit code) is the
same for every provider, so adding a provider is one ``provider.py`` plus its
service declarations.

Errors here carry facts, not advice in terms of CLI flags: the CLI (or any other
caller, such as the Action) words them for its own users.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from scanner.errors import UsageError
from scanner.providers.collector import GLOBAL, Inventory, Progress
from scanner.settings import ApiSettings


class ProviderInput(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


OptionsT = TypeVar("OptionsT", bound=ProviderInput)
TargetT = TypeVar("TargetT", bound=ProviderInput)


class MissingExtra(UsageError):
    """The provider's optional dependencies (``pip install 'cloudscan[<extra>]'``) are not installed."""

    def __init__(self, provider: str, label: str, extra: str | None, module: str):
        if extra:
            super().__init__(f"{label} support needs its extra: pip install 'cloudscan[{extra}]'")
        else:
            super().__init__(f"{label} support needs {module}, which is missing: reinstall cloudscan")
        self.provider = provider


class MissingTarget(UsageError):
    """Nothing to scan was chosen and no default could be found (the caller says how to choose)."""

    def __init__(self, provider: str, detail: str):
        super().__init__(detail)
        self.provider = provider


class MissingCredentials(UsageError):
    """The provider's credential chain found no credentials (the caller says how to supply them)."""

    def __init__(self, provider: str, detail: str):
        super().__init__(detail)
        self.provider = provider


@dataclass
class Collected:
    """What a provider read: the accounts it scanned, the regions or locations, and the inventory."""

    accounts: list[str]
    regions: list[str]
    inventory: Inventory


@dataclass(frozen=True)
class Permissions:
    """What a scan needs: roles to grant, or the exact read-only actions (and a policy document where one exists)."""

    summary: str
    roles: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    document: dict[str, Any] | None = None


class Provider(ABC, Generic[OptionsT, TargetT]):
    """A cloud provider: how to connect, what to scan by default, how to collect, what it needs.

    ``target_type`` is the plural noun for what one scan covers (accounts,
    subscriptions, projects); a report over several is labelled
    ``multiple-<target_type>``.
    """

    name: ClassVar[str]
    label: ClassVar[str]
    target_type: ClassVar[str]
    options_model: ClassVar[type[ProviderInput]]
    target_model: ClassVar[type[ProviderInput]]

    @abstractmethod
    def open_session(self, options: OptionsT, settings: ApiSettings) -> Any:
        """A session on the real cloud from the standard credential chain (tests build theirs directly)."""

    def default_target(self, target: TargetT, session: Any) -> TargetT:
        """``target`` with defaults filled in; raises ``MissingTarget`` when nothing can be chosen."""
        return target

    @abstractmethod
    def collect(
        self,
        session: Any,
        target: TargetT,
        resource_types: Iterable[str],
        settings: ApiSettings,
        progress: Progress | None = None,
    ) -> Collected:
        """Read the given resource types (and what their aggregates need) from the target, defaults filled in."""

    @abstractmethod
    def permissions(self) -> Permissions:
        """The least privilege a scan needs."""


def resource_locations(inventory: Inventory) -> list[str]:
    """The locations resources were found in: the regions of a provider that lists per account, not per region."""
    return sorted({resource.region for resource in inventory.resources if resource.region != GLOBAL})


def account_label(accounts: Sequence[str], target_type: str) -> str:
    """The account a report names: the one scanned, or ``multiple-<target_type>``."""
    return accounts[0] if len(accounts) == 1 else f"multiple-{target_type}"
