"""Backends, registered by name.  The CLI's commands and choices come from
:data:`REGISTRY`; the core never switches on a format name."""

from __future__ import annotations

import argparse

from .base import (
    Backend,
    BackendOptions,
    BuildOptions,
    Setting,
    add_process_count,
    default_process_count,
    options_from_args,
    process_count,
)
from .registry import REGISTRY, register


def get(name: str) -> type[Backend]:
    """The backend class registered as ``name``."""
    _load()
    return REGISTRY[name]


def names() -> list[str]:
    """Registered backend names, in registration order."""
    _load()
    return list(REGISTRY)


def settings_sections() -> dict[str, type[Backend]]:
    """Manifest section name -> the backend that declared it (the manifest's hook:
    each backend checks its own keys, the manifest only reads them)."""
    _load()
    return {cls.settings_section: cls for cls in REGISTRY.values() if cls.settings_section}


def build_options(args: argparse.Namespace) -> BuildOptions:
    """The build options of a parsed command line: ``--allow-network`` and every registered
    backend's own options, typed (:attr:`Backend.options_type`)."""
    return options_from_args(args, [get(n) for n in names()], bool(getattr(args, "allow_network", False)))


def _load() -> None:
    # Importing the modules registers them; kept lazy so that `pubbuild --help`
    # does not pay for WeasyPrint's import.
    from .epub import backend as _epub  # noqa: F401
    from .pdf import backend as _pdf  # noqa: F401


__all__ = ["REGISTRY", "Backend", "BackendOptions", "BuildOptions", "Setting", "add_process_count",
           "build_options", "default_process_count", "get", "names", "options_from_args", "process_count",
           "register", "settings_sections"]
