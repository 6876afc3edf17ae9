"""The knowledge base loader: knowledge/*.toml read, cached, validated and filled in for this
machine, and the version policy (which PyO3 supports which Python and rustc) typed.

The data itself is pyo3_doctor.knowledge (the repository's knowledge/ folder), never code.
May import: core modules and pyo3_doctor.system. Never the probes: the engine checks entries
against the probe registry (pyo3_doctor.engine.knowledge_base).
"""
