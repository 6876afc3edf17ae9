"""Fix steps made real: planned (argv, diff, env line), confirmed elsewhere, applied safely
(backup, atomic replace, undo), each kind in one table (steps.KINDS).

May import: core modules, pyo3_doctor.system, .kb and .project. Never a renderer or the TUI.
"""
