"""The standard library's top-level module names, for an interpreter that cannot say them.

Python 3.10 and later list them in sys.stdlib_module_names, and the target interpreter's own
list is what counts there (machine.interpreter). Before 3.10 the shipped list stands in:
knowledge/stdlib.toml.
"""

from __future__ import annotations

from functools import lru_cache

from pyo3_doctor.kb.files import parsed


@lru_cache(maxsize=1)
def stdlib_names() -> frozenset[str]:
    """knowledge/stdlib.toml [stdlib] modules."""
    modules = parsed().get("stdlib.toml", {}).get("stdlib", {}).get("modules", [])
    return frozenset(m for m in modules if isinstance(m, str))
