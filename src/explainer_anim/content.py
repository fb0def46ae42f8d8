"""Loading an explainer's content folder (scenes/<slug>/) as a Python package.

Content folders are named by slug (``why-llms-hallucinate``), which is not a valid module name,
and two explainers may both have a ``formulas.py``; so each folder is imported under a private,
unique package name and its modules use relative imports (``from .formulas import ...``).
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

_PREFIX = "explainer_content_"


def package_name(folder: Path) -> str:
    """The import name under which ``folder`` is loaded."""
    slug = re.sub(r"\W", "_", folder.resolve().name)
    return f"{_PREFIX}{slug}"


def load_content_package(folder: Path) -> ModuleType:
    """Import ``folder`` (which must hold an ``__init__.py``) as a package, once."""
    folder = folder.resolve()
    name = package_name(folder)
    if name in sys.modules:
        return sys.modules[name]
    init = folder / "__init__.py"
    spec = importlib.util.spec_from_file_location(
        name, init, submodule_search_locations=[str(folder)]
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load content package from {folder}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def load_content_module(folder: Path, module: str) -> ModuleType:
    """Import ``module`` (e.g. ``"formulas"``) from the content package in ``folder``."""
    package = load_content_package(folder)
    return importlib.import_module(f"{package.__name__}.{module}")
