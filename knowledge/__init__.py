"""The knowledge base: TOML data only, read from this folder (see doctor.about)."""
