"""Errors that the CLI turns into one clear line and exit code 2."""


class UsageError(Exception):
    """Bad input from the user: flags, config, rule or mapping files."""


class ScanAborted(Exception):
    """The scan could not start: e.g. the caller's identity or subscriptions are unreadable (exit 3)."""
