"""The Google Cloud adapter (google-cloud-* REST clients and the discovery-based API client)."""
