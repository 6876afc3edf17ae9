"""The fixtures of tests/support.py, for every test under tests/."""

from support import cargo_target_dir, pyo3_project, staged_path

__all__ = ["cargo_target_dir", "pyo3_project", "staged_path"]
