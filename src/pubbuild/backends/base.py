"""The backend contract."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..model import Publication
from ..progress import NULL_PROGRESS, Progress


@dataclass(slots=True)
class BuildOptions:
    """Options from the command line that backends may use."""

    allow_network: bool = False
    """Whether remote resources (images) may be fetched."""
    extra: dict = field(default_factory=dict)
    """Backend-specific options (``paper``, ``archival`` ...), by name."""


class Backend:
    """Renders a :class:`Publication` to one output file.

    Subclasses set :attr:`name`, :attr:`suffix` and :attr:`description` and
    implement :meth:`write`.  :meth:`add_arguments` is an optional hook that
    adds backend-specific command-line options.
    """

    #: Registry name and CLI command.
    name: str = ""
    #: Output file suffix.
    suffix: str = ""
    #: One line for ``--help``.
    description: str = ""
    #: Where :meth:`write` reports its progress (set by the builder; reports nothing by
    #: default).  A backend that opens its own stages on it says so with
    #: :attr:`reports_progress`; for the others the builder shows one step per output.
    progress: Progress = staticmethod(NULL_PROGRESS)
    reports_progress: bool = False

    def __init__(self, options: BuildOptions | None = None) -> None:
        self.options = options or BuildOptions()
        self.diagnostics: list = []
        """Diagnostics raised while rendering."""

    @classmethod
    def add_arguments(cls, parser) -> None:
        """Add backend-specific options to the command's argparse parser (optional)."""

    def write(self, publication: Publication, target: Path) -> None:
        """Render ``publication`` into the file ``target`` (a temporary path: the
        builder renames it into place only when this returns)."""
        raise NotImplementedError
