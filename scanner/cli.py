"""The ``cloudscan`` command line.

Bad input (flags, rule or mapping files) is reported as one line naming the
problem, with exit code 2, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from scanner import __version__, pipeline
from scanner.config import DEFAULT_CONFIG, LOCATION, REGION, load_config
from scanner.datafile import one_line
from scanner.errors import ScanAborted, UsageError
from scanner.gating import EXIT_INCOMPLETE, EXIT_USAGE, FAIL_ON_CHOICES
from scanner.mappings import FRAMEWORKS
from scanner.models import Rule, ScanParams, Severity
from scanner.pipeline import Prepared, ReportPlan
from scanner.providers.azure.cloud import ENV_ARM_ENDPOINT, ENV_AUDIENCE, ENV_AUTHORITY_HOST
from scanner.providers.base import MissingCredentials, MissingTarget, Provider, ProviderInput
from scanner.providers.registry import PROVIDERS, load_provider
from scanner.reports import WRITERS
from scanner.reports.console import print_summary
from scanner.reports.json_report import read_report
from scanner.rules import load_rules
from scanner.scan import run_scan, select_rules
from scanner.settings import ApiSettings
from scanner.waivers import DEFAULT_WAIVERS

_SEVERITIES = [severity.value for severity in Severity]


def _regions(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    for value in values:
        if not REGION.match(value):
            raise click.BadParameter(f"{value!r} is not an AWS region name (like eu-west-1)")
    return sorted(set(values))


def _locations(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    for value in values:
        if not LOCATION.match(value):
            raise click.BadParameter(f"{value!r} is not a region name (like eu-west-1 or westeurope)")
    return sorted(set(values))


def _report_options(fail_on_default: str) -> Callable:
    """Options shared by every command that runs a scan."""

    def decorate(command: Callable) -> Callable:
        options = [
            click.option("--rule", "rules", multiple=True, metavar="ID", help="Run only these rules (glob allowed)."),
            click.option("--exclude-rule", "excluded", multiple=True, metavar="ID", help="Skip these rules (glob)."),
            click.option(
                "--severity", "severities", multiple=True, type=click.Choice(_SEVERITIES), help="Only these severities."
            ),
            click.option(
                "--framework",
                "frameworks",
                multiple=True,
                type=click.Choice(sorted(FRAMEWORKS)),
                help="Only rules mapped to this framework (repeatable).",
            ),
            click.option(
                "--allowed-region",
                "allowed_regions",
                multiple=True,
                callback=_locations,
                help="Data residency: regions where data may be stored (repeatable; overrides the config file).",
            ),
            click.option(
                "--waivers",
                "waivers_path",
                type=click.Path(dir_okay=False, path_type=Path),
                default=None,
                help=f"Waiver (risk acceptance) file (default: {DEFAULT_WAIVERS} if present).",
            ),
            click.option(
                "--baseline",
                "baseline_path",
                type=click.Path(dir_okay=False, path_type=Path),
                default=None,
                help="A previous findings.json: mark findings new or unchanged and list resolved ones.",
            ),
            click.option(
                "--fail-on-new-only",
                is_flag=True,
                help="Gate only on findings that are new since --baseline.",
            ),
            click.option(
                "--config",
                "config_path",
                type=click.Path(dir_okay=False, path_type=Path),
                default=None,
                help=f"Config file (default: {DEFAULT_CONFIG} if present).",
            ),
            click.option(
                "--format",
                "formats",
                multiple=True,
                type=click.Choice(sorted(WRITERS)),
                help="Report formats to write (repeatable; default json).",
            ),
            click.option(
                "--output-dir",
                type=click.Path(file_okay=False, path_type=Path),
                default=Path("cloudscan-results"),
                show_default=True,
                help="Where reports are written.",
            ),
            click.option(
                "--fail-on",
                type=click.Choice(FAIL_ON_CHOICES),
                default=fail_on_default,
                show_default=True,
                help="Exit 1 if a finding fails at or above this severity (none: never).",
            ),
            click.option(
                "--max-workers", type=click.IntRange(1, 64), default=8, show_default=True, help="Parallel API calls."
            ),
            click.option(
                "--max-attempts",
                type=click.IntRange(1, 20),
                default=8,
                show_default=True,
                help="Attempts per API call (adaptive retries back off on throttling).",
            ),
            click.option(
                "--timeout",
                type=click.FloatRange(0.1, 600),
                default=30.0,
                show_default=True,
                help="Seconds to wait for each API response.",
            ),
            click.option("--quiet", is_flag=True, help="No progress or summary; reports and exit code only."),
        ]
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cloudscan")
def cli() -> None:
    """Scan cloud accounts for insecure configuration, mapped to ISO/IEC 27017 and 27018."""


@cli.group()
def scan() -> None:
    """Scan a live cloud account."""


@scan.command("aws")
@click.option("--profile", help="AWS named profile (default: the standard credential chain).")
@click.option(
    "--region", "regions", multiple=True, callback=_regions, help="Region to scan (repeatable; default: enabled ones)."
)
@_report_options(fail_on_default="high")
def scan_aws_command(profile: str | None, regions: list[str], **options) -> None:
    """Scan an AWS account with the standard credential chain."""
    _scan(
        "aws",
        connection={"profile": profile, "region": regions[0] if regions else None},
        target={"regions": tuple(regions)},
        options=options,
    )


@scan.command("azure")
@click.option(
    "--subscription",
    "subscriptions",
    multiple=True,
    metavar="ID",
    help="Subscription to scan (repeatable; default: $AZURE_SUBSCRIPTION_ID).",
)
@click.option("--all-subscriptions", is_flag=True, help="Scan every enabled subscription the credential can see.")
@click.option("--tenant", metavar="ID", help="Tenant to authenticate in.")
@click.option(
    "--azure-cloud",
    type=click.Choice(["public", "china", "usgov"]),
    default="public",
    show_default=True,
    help="Sovereign cloud.",
)
@click.option("--arm-endpoint", metavar="URL", help=f"Custom ARM endpoint (also ${ENV_ARM_ENDPOINT}).")
@click.option("--authority-host", metavar="URL", help=f"Custom authority host (also ${ENV_AUTHORITY_HOST}).")
@click.option("--token-audience", metavar="URL", help=f"Custom token audience (also ${ENV_AUDIENCE}).")
@_report_options(fail_on_default="high")
def scan_azure_command(
    subscriptions: tuple[str, ...],
    all_subscriptions: bool,
    tenant: str | None,
    azure_cloud: str,
    arm_endpoint: str | None,
    authority_host: str | None,
    token_audience: str | None,
    **options,
) -> None:
    """Scan Azure subscriptions (DefaultAzureCredential: CLI login, service principal, managed or workload identity)."""
    if all_subscriptions and subscriptions:
        raise UsageError("use either --subscription or --all-subscriptions, not both")
    _scan(
        "azure",
        connection={
            "cloud": azure_cloud,
            "tenant": tenant,
            "arm_endpoint": arm_endpoint,
            "authority_host": authority_host,
            "token_audience": token_audience,
        },
        target={"subscriptions": subscriptions, "all_subscriptions": all_subscriptions},
        options=options,
    )


@scan.command("gcp")
@click.option("--project", "projects", multiple=True, metavar="ID", help="Project to scan (repeatable).")
@click.option("--folder", "folders", multiple=True, metavar="ID", help="Scan every active project under this folder.")
@click.option(
    "--organization",
    "organizations",
    multiple=True,
    metavar="ID",
    help="Scan every active project in the organization.",
)
@click.option("--impersonate-service-account", metavar="EMAIL", help="Impersonate this service account.")
@click.option(
    "--api-endpoint", metavar="URL", help="Send every API call to this endpoint (also $CLOUDSCAN_GCP_API_ENDPOINT)."
)
@_report_options(fail_on_default="high")
def scan_gcp_command(
    projects: tuple[str, ...],
    folders: tuple[str, ...],
    organizations: tuple[str, ...],
    impersonate_service_account: str | None,
    api_endpoint: str | None,
    **options,
) -> None:
    """Scan Google Cloud projects with Application Default Credentials (default: the ADC project)."""
    if api_endpoint and not api_endpoint.startswith(("https://", "http://")):
        raise UsageError(f"--api-endpoint must be a URL, got {api_endpoint!r}")
    _scan(
        "gcp",
        connection={"api_endpoint": api_endpoint, "impersonate_service_account": impersonate_service_account},
        target={"projects": projects, "folders": folders, "organizations": organizations},
        options=options,
    )


@cli.command()
@_report_options(fail_on_default="none")
def demo(**options) -> None:
    """Scan the embedded demo account (moto, in-process; no cloud credentials needed)."""
    try:
        from scanner.demo import DEMO_REGIONS, demo_account
    except ImportError:
        raise UsageError("the demo needs moto: pip install 'cloudscan[demo]'") from None
    provider = load_provider("aws")
    rules, settings, params, prepared = _scan_inputs(provider.name, options)
    with ExitStack() as stack:
        with _status(options["quiet"], "Planting the demo account…"):
            session = stack.enter_context(demo_account())
        target = provider.target_model(regions=tuple(DEMO_REGIONS))
        _run(provider, session, target, rules, settings, params, prepared, options)


@cli.group("rules")
def rules_group() -> None:
    """Inspect the bundled rules."""


@rules_group.command("list")
@click.option("--provider", type=click.Choice(PROVIDERS), default=None)
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
def rules_list(provider: str | None, output_format: str) -> None:
    """List rules with severity, resource type and title."""
    rules = [rule for rule in load_rules() if provider is None or rule.provider == provider]
    if output_format == "json":
        import json

        click.echo(json.dumps([rule.model_dump(mode="json") for rule in rules], indent=2))
        return
    id_width = max((len(rule.id) for rule in rules), default=2)
    type_width = max((len(rule.resource_type) for rule in rules), default=4)
    click.echo(f"{'ID':<{id_width}}  {'SEVERITY':<8}  {'RESOURCE TYPE':<{type_width}}  TITLE")
    for rule in rules:
        click.echo(f"{rule.id:<{id_width}}  {rule.severity.value:<8}  {rule.resource_type:<{type_width}}  {rule.title}")
    click.echo(f"{len(rules)} rules")


@cli.command("permissions")
@click.argument("provider", type=click.Choice(PROVIDERS))
def permissions_command(provider: str) -> None:
    """Print what a scan needs: for AWS the least-privilege IAM policy, for Azure and GCP the roles."""
    import json

    needs = load_provider(provider).permissions()
    if needs.document is not None:
        click.echo(json.dumps(needs.document, indent=2))
        return
    click.echo(needs.summary)
    for role in needs.roles:
        click.echo(f"  {role}")


@cli.command("schema")
@click.argument("report", type=click.Choice(["findings", "controls"]), default="findings")
def schema_command(report: str) -> None:
    """Print the JSON Schema of findings.json (default) or controls.json."""
    from scanner.reports import controls_json, json_report

    module = json_report if report == "findings" else controls_json
    click.echo(module.schema_text(), nl=False)


@cli.command("report")
@click.argument("source", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--format",
    "formats",
    multiple=True,
    required=True,
    type=click.Choice(sorted(WRITERS)),
    help="Formats to render (repeatable).",
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("cloudscan-results"),
    show_default=True,
)
def report_command(source: Path, formats: tuple[str, ...], output_dir: Path) -> None:
    """Re-render a saved findings.json in other formats, without scanning again."""
    result = read_report(source)
    if output_dir.resolve() == source.parent.resolve() and "json" in formats:
        raise UsageError(f"refusing to overwrite {source} with itself; choose another --output-dir")
    _, written = pipeline.render(result, formats, output_dir)
    for path in written:
        click.echo(f"Wrote {path}")


@cli.command("controls")
@click.option(
    "--framework",
    "frameworks",
    multiple=True,
    type=click.Choice(sorted(FRAMEWORKS)),
    help="Only this framework (repeatable; default: all, or those the scan was limited to).",
)
@click.option(
    "--from",
    "source",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A findings.json to assess; without it, list the catalogue and the rules mapped to each control.",
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("cloudscan-results"),
    show_default=True,
    help="Where controls.json and controls.md are written (with --from).",
)
def controls_command(frameworks: tuple[str, ...], source: Path | None, output_dir: Path) -> None:
    """ISO/IEC 27017 / 27018 control coverage: a Statement-of-Applicability view."""
    from scanner.reports.console import print_catalogue, print_coverage

    if source is None:
        print_catalogue(Console(), frameworks or sorted(FRAMEWORKS))
        return
    result = read_report(source)
    if frameworks:
        result = result.model_copy(update={"scan": result.scan.model_copy(update={"frameworks": frameworks})})
    coverage, written = pipeline.render(result, ["controls", "controls-md"], output_dir)
    print_coverage(Console(), coverage, written)


def _scan(provider_name: str, connection: dict[str, Any], target: dict[str, Any], options: dict[str, Any]) -> None:
    """The one path of every ``scan`` command: inputs first, then the session, then the scan."""
    provider = load_provider(provider_name)
    rules, settings, params, prepared = _scan_inputs(provider.name, options)
    session = provider.open_session(provider.options_model(**connection), settings)
    chosen = provider.default_target(provider.target_model(**target), session)
    _run(provider, session, chosen, rules, settings, params, prepared, options)


def _scan_inputs(provider: str, options: dict[str, Any]) -> tuple[list[Rule], ApiSettings, ScanParams, Prepared]:
    """Rules, API settings, scan parameters and the report plan, all validated before any API call."""
    if options["fail_on_new_only"] and options["baseline_path"] is None:
        raise UsageError("--fail-on-new-only needs --baseline")
    rules = select_rules(
        load_rules(),
        provider,
        include=options["rules"],
        exclude=options["excluded"],
        severities=[Severity(value) for value in options["severities"]],
        frameworks=options["frameworks"],
    )
    settings = ApiSettings(
        max_attempts=options["max_attempts"], timeout=options["timeout"], max_workers=options["max_workers"]
    )
    config = load_config(options["config_path"])
    params = ScanParams(
        allowed_regions=tuple(options["allowed_regions"]) or config.allowed_regions,
        **{name: getattr(config, name) for name in ("production_tag", "personal_data_tag") if getattr(config, name)},
    )
    plan = ReportPlan(
        formats=tuple(options["formats"] or ("json",)),
        output_dir=options["output_dir"],
        fail_on=options["fail_on"],
        fail_on_new_only=options["fail_on_new_only"],
        waivers_path=options["waivers_path"],
        baseline_path=options["baseline_path"],
    )
    return rules, settings, params, pipeline.prepare(plan)


def _run(
    provider: Provider,
    session: Any,
    target: ProviderInput,
    rules: list[Rule],
    settings: ApiSettings,
    params: ScanParams,
    prepared: Prepared,
    options: dict[str, Any],
) -> None:
    quiet = options["quiet"]
    with _progress(quiet) as progress:
        result = run_scan(
            provider, session, target, rules, settings, params, progress=progress, frameworks=options["frameworks"]
        )
    outcome = pipeline.finish(result, prepared, datetime.now(timezone.utc).date())
    if not quiet:
        console = Console()
        print_summary(console, outcome.result, outcome.coverage, outcome.written, options["fail_on"], outcome.exit_code)
    sys.exit(outcome.exit_code)


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[int], None] | None]:
    if quiet:
        yield None
        return
    columns = (SpinnerColumn(), TextColumn("Listing resources: {task.completed} type×region done"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("scan", total=None)
        yield lambda done: progress.advance(task, done)


@contextmanager
def _status(quiet: bool, message: str) -> Iterator[None]:
    if quiet:
        yield
        return
    with Console(stderr=True).status(message):
        yield


# How to fix what a provider reports missing, in this CLI's own flags.
_TARGET_HINTS = {
    "aws": "choose regions with --region",
    "azure": "choose subscriptions with --subscription ID (repeatable) or --all-subscriptions",
    "gcp": "choose projects with --project ID, --folder ID or --organization ID",
}
_CREDENTIAL_HINTS = {
    "aws": "use --profile, set AWS_PROFILE, or export AWS_ACCESS_KEY_ID",
    "azure": "run `az login`, or set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET",
    "gcp": "run `gcloud auth application-default login` or set GOOGLE_APPLICATION_CREDENTIALS",
}


def _worded(error: UsageError) -> str:
    """A lower layer's error, with the flags that fix it where the CLI knows them."""
    if isinstance(error, MissingTarget):
        return _TARGET_HINTS[error.provider]
    if isinstance(error, MissingCredentials):
        return f"{error}: {_CREDENTIAL_HINTS[error.provider]}"
    return str(error)


def main() -> None:
    """Entry point: run the CLI, turning bad input into one line and exit code 2."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("cloudscan: aborted", err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        click.echo(f"cloudscan: error: {one_line(exc.format_message())}", err=True)
        sys.exit(EXIT_USAGE)
    except UsageError as exc:
        click.echo(f"cloudscan: error: {one_line(_worded(exc))}", err=True)
        sys.exit(EXIT_USAGE)
    except ScanAborted as exc:
        click.echo(f"cloudscan: scan failed: {one_line(str(exc))}", err=True)
        sys.exit(EXIT_INCOMPLETE)


if __name__ == "__main__":
    main()
