"""Chat and embedding providers: one file each, registering itself and its models in the catalogue.

Importing this package imports every module here not starting with "_" (those are shared helpers),
so a new provider is one new file.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")
