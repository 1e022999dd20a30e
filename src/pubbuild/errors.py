"""The user-facing error hierarchy: the only way a failure reaches the user.

Each error carries the exit status the CLI returns.  Anything else that
escapes is a bug: the CLI saves its traceback to a file and says where.
"""

from __future__ import annotations


class PubbuildError(Exception):
    """Base of every error meant for the user; ``str()`` is the message shown."""

    exit_code = 1

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []
        """One line per problem, each naming its file, line or key."""
        self.diagnostics: list = []
        """What the work found before it failed (:class:`pubbuild.diagnostics.Diagnostic`): the
        command line prints these with the error, as it would have at the end of a build."""

    def lines(self) -> list[str]:
        """The lines the CLI prints, one per problem (or the message alone)."""
        return self.problems or [str(self)]


class ConfigurationError(PubbuildError):
    """The manifest or the command line is wrong: nothing was built."""

    exit_code = 2


class SourceError(PubbuildError):
    """A source file cannot be read (missing, unreadable, binary)."""

    exit_code = 2


class BuildError(PubbuildError):
    """A backend failed to produce its output."""

    exit_code = 1


class OutputError(PubbuildError):
    """The output cannot be written where asked (a folder, a read-only place, a full disk);
    nothing was replaced."""

    exit_code = 2


#: Every exit status the command line returns, with its meaning: the README's table, and a
#: test that runs a representative case of each, are checked against this.
EXIT_STATUS: dict[int, str] = {
    0: "success (with `--strict`: and no warnings)",
    1: "a build failed; `check` found an error; with `--strict`, any warning",
    2: "bad input (manifest, source, command line, or an output place that cannot be written); "
       "nothing written",
    70: "internal error (a bug): the traceback is saved to a file whose name is printed",
    130: "interrupted (Ctrl-C, SIGINT), after removing temporary files",
    143: "terminated (SIGTERM), after removing temporary files",
}


def exit_status_table() -> str:
    """The Markdown table of :data:`EXIT_STATUS`."""
    rows = ["| status | meaning |", "| --- | --- |"]
    return "\n".join(rows + [f"| {code} | {meaning} |" for code, meaning in EXIT_STATUS.items()])
