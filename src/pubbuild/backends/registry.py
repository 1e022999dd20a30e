"""The registry the backend modules add themselves to (:func:`register`).

Its own module, so that a backend module names it without importing the package that loads the
backends (:mod:`pubbuild.backends`, which imports them on first use): no import cycle.
"""

from __future__ import annotations

from .base import Backend

#: name -> backend class
REGISTRY: dict[str, type[Backend]] = {}


def register(cls: type[Backend]) -> type[Backend]:
    """Class decorator adding a backend to :data:`REGISTRY`."""
    REGISTRY[cls.name] = cls
    return cls
