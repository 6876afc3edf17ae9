"""pyo3-doctor: finds and fixes what stops a PyO3/maturin extension from building or importing."""

__version__ = "0.1.0"
