"""Reading a build log or a pasted error: one streaming pass, flat memory, the root cause.

May import: everything below the engine and pyo3_doctor.engine itself (probe facts fill the
fixes). Never a renderer or the TUI.
"""
