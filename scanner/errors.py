"""The errors the CLI turns into one clear line on stderr instead of a traceback.

``UsageError`` (bad input) exits 2; ``ScanAborted`` (the scan could not start) exits 3.
"""


class UsageError(Exception):
    """Bad input from the user: flags, config, rule or mapping files (exit code 2)."""


class ScanAborted(Exception):
    """The scan could not start: e.g. the caller's identity or subscriptions are unreadable (exit code 3)."""
