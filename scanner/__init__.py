"""cloudscan: scan live cloud accounts and map findings to ISO/IEC 27017 and 27018."""

__version__ = "0.1.0"
