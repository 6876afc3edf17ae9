"""The operating system as pyo3-doctor uses it: starting tools (argv only, own session,
deadline, capped output) and reading and writing files safely.

May import: the core modules (pyo3_doctor.about, .model, .textsafe) and the standard library.
Must stay light: pyo3_doctor.launch starts the first tools through it before anything else
is imported.
"""
