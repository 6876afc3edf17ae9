"""This machine's tools as PyO3 and maturin find them: the target interpreter and its
sysconfig, rustc, maturin, the built extension's symbols and import.

May import: core modules, pyo3_doctor.system, .kb and .project.
"""
