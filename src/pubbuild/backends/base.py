"""The backend contract.

Like a Sphinx builder, a backend declares what it is in class attributes
(:attr:`Backend.name`, :attr:`~Backend.media_type`, :attr:`~Backend.suffix`,
:attr:`~Backend.paginated` ...) and implements :meth:`Backend.write`; the optional
hooks (:meth:`~Backend.add_arguments`, :meth:`~Backend.validate`,
:meth:`~Backend.archive`) are documented no-ops here.  What a backend reports
after writing is in declared instance fields, set by :meth:`Backend.__init__`,
so :mod:`pubbuild.pipeline` and the commands read them without probing.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Self

from ..diagnostics import Diagnostic, Finding
from ..model import Publication
from ..progress import NULL_PROGRESS, Progress
from .pagemap import PageBreak

if TYPE_CHECKING:
    from ..facts import ImagePlan


def default_process_count() -> int:
    """The number of cores this process may use (its CPU affinity where the system has one):
    what ``-j`` is when not given, in every command."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def add_process_count(parser: argparse.ArgumentParser | argparse._ArgumentGroup, what: str) -> None:
    """``-j N`` / ``--jobs N`` on ``parser`` (a command, or a backend's group of options): one
    spelling, check and default for every command that runs processes."""
    parser.add_argument("-j", "--jobs", type=process_count, default=default_process_count(),
                        metavar="N", help=what)


def process_count(text: str) -> int:
    """An argparse type for ``-j N``: a whole number of processes, at least 1 (the CLI's
    commands and the backends' own options read it alike)."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


@dataclass(slots=True)
class BackendOptions:
    """A backend's own options (this base has none).  A backend with options of its own
    declares a subclass as :attr:`Backend.options_type`, one typed field per option, each named
    like the argparse destination its :meth:`Backend.add_arguments` adds; a field left at its
    default is an option not given."""

    @classmethod
    def from_values(cls, values: Mapping[str, object] | argparse.Namespace) -> Self:
        """The options among ``values`` (parsed command-line arguments, or a mapping) that are
        this class's fields; the rest, and any value None, leave the default."""
        given = vars(values) if isinstance(values, argparse.Namespace) else values
        return cls(**{f.name: given[f.name] for f in dataclasses.fields(cls)
                      if given.get(f.name) is not None})


@dataclass(slots=True)
class BuildOptions:
    """Options from the command line that backends may use."""

    allow_network: bool = False
    """Whether remote resources (images) may be fetched."""
    backend: dict[str, BackendOptions] = field(default_factory=dict)
    """Each backend's own options (its :attr:`Backend.options_type`), by backend name."""
    extra: dict[str, object] = field(default_factory=dict)
    """Backend options by name (``{"archival": True}``) for a caller with no backend at hand (a
    script, a test); a backend with no entry in :attr:`backend` reads its own among them."""

    def for_backend(self, cls: type[Backend]) -> BackendOptions:
        """``cls``'s own options: given in :attr:`backend`, else read from :attr:`extra`."""
        given = self.backend.get(cls.name)
        return given if given is not None else cls.options_type.from_values(self.extra)


def options_from_args(args: argparse.Namespace, classes: Iterable[type[Backend]],
                      allow_network: bool = False) -> BuildOptions:
    """The build options a parsed command line gives: each backend's own, typed."""
    return BuildOptions(allow_network=allow_network,
                        backend={cls.name: cls.options_type.from_values(args) for cls in classes})


@dataclass(frozen=True, slots=True)
class Setting:
    """One key of a backend's own manifest section (``pdf: {paper: A5}``)."""

    kind: str
    """Type name for the reference: ``text``, ``length`` ... or ``true/false``."""
    doc: str
    """What the key means."""
    parse: Callable[[str], object] | None = None
    """Checks a text value, raising ValueError with the reason (None for ``true/false``)."""


class Backend:
    """Renders a :class:`Publication` to one output file.

    Subclasses set the class attributes and implement :meth:`write`.
    """

    name: ClassVar[str] = ""
    """Registry name and CLI command."""
    suffix: ClassVar[str] = ""
    """Output file suffix (``.epub``)."""
    media_type: ClassVar[str] = "application/octet-stream"
    """IANA media type of the output (deposit metadata)."""
    description: ClassVar[str] = ""
    """One line for ``--help``."""
    paginated: ClassVar[bool] = False
    """Lays out pages: the pipeline runs it before the backends that are not, and hands
    the :attr:`page_map` it leaves on to them."""
    validator: ClassVar[str] = "no validator"
    """Name of the check :meth:`validate` runs, for ``pubbuild check``'s report."""
    settings_section: ClassVar[str | None] = None
    """The manifest key of this backend's own settings (a mapping), if it has one; the
    manifest checks it against :attr:`settings` and hands it on as
    ``Publication.settings[section]``."""
    settings_doc: ClassVar[str] = ""
    """What the section is for (the manifest reference)."""
    settings: ClassVar[dict[str, Setting]] = {}
    """The section's keys."""
    progress: Progress = staticmethod(NULL_PROGRESS)
    """Where :meth:`write` reports its progress (set by the builder; reports nothing by
    default).  A backend that opens its own stages on it says so with
    :attr:`reports_progress`; for the others the builder shows one step per output."""
    reports_progress: ClassVar[bool] = False
    options_type: ClassVar[type[BackendOptions]] = BackendOptions
    """The type of its own command-line options (:meth:`add_arguments`)."""

    def __init__(self, options: BuildOptions | None = None,
                 page_map: list[PageBreak] | None = None) -> None:
        self.options = options or BuildOptions()
        self.received_page_map: list[PageBreak] | None = page_map
        """Where each page of the paginated edition begins, handed on by the pipeline
        from a paginated backend that ran before (None: no such edition in this build)."""
        self.diagnostics: list[Diagnostic] = []
        """Diagnostics raised while rendering."""
        self.image_plan: ImagePlan | None = None
        """The images of the publication, decided once for every edition of a build
        (:class:`pubbuild.facts.ImagePlan`, set by the pipeline; None: the backend decides
        itself, the same way).  Its diagnostics are the pipeline's to report."""
        self.page_map: list[PageBreak] | None = None
        """Set by :meth:`write` of a paginated backend: where each of its pages begins."""
        self.page_map_wanted = True
        """Whether a paginated backend finds its :attr:`page_map` at all: the pipeline says
        no when no backend after it takes the map and no record keeps it (``pubbuild pdf``
        alone), since finding it walks every laid-out box (0.7 s of CPU on a 555-page PDF)."""
        self.report: object | None = None
        """What :meth:`write` repaired or found, for the log (None: nothing to say)."""
        self.timings: dict[str, float] = {}
        """Seconds spent per step of the last :meth:`write` (for the benches)."""

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        """Add backend-specific options to the command's argparse parser (optional); their
        destinations are the fields of :attr:`options_type`."""

    def write(self, publication: Publication, target: Path) -> None:
        """Render ``publication`` into the file ``target`` (a temporary path: the
        pipeline renames it into place only when this returns)."""
        raise NotImplementedError

    @classmethod
    def validate(cls, path: Path) -> tuple[bool, list[Finding]]:
        """Check a written output with the format's validator: (ran, findings).  Optional:
        a backend without one is built and listed as not validated."""
        return False, []

    @classmethod
    def archive(cls, path: Path, publication: Publication, originals: dict[str, Path],
                notes: list[str]) -> None:
        """Make sure an output written for a deposit (``--archival``) is what the deposit
        promises; append a sentence for its README to ``notes``.  Optional."""
