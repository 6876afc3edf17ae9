"""The knowledge base: TOML data only, read through importlib.resources."""
