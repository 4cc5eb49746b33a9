"""The Azure adapter (azure-identity and the azure-mgmt-* management clients)."""
