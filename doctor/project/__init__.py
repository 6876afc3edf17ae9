"""The project under examination, read from its files: manifests (pyproject.toml, Cargo.toml,
Cargo.lock, .cargo/config.toml), the layout maturin resolves, and the Rust sources (rust/).

Nothing here runs a tool. May import: core modules, pyo3_doctor.system, pyo3_doctor.kb.
"""
