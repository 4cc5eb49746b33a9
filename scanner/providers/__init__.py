"""Provider adapters: enumerate cloud resources into normalized ``Resource`` objects."""
