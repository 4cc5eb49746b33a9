"""Google Cloud resource-type declarations, one module per service (see scanner.providers.registry)."""
