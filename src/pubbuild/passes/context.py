"""What a pass receives besides the article (its own module, so that each pass can name the
type without importing the package that lists the passes)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import diagnostics


@dataclass(slots=True)
class PassContext:
    """What a pass may need besides the article."""

    file: str
    """Source file name for diagnostics."""
    diags: list[diagnostics.Diagnostic] = field(default_factory=list)
    """Where diagnostics go (the article's list)."""

    def diag(self, code: str, message: str, line: int | None = None, *, node: object = None) -> None:
        """Record a diagnostic against the source file, at ``line`` or else at the source
        line of the model ``node`` it is about."""
        if line is None:
            line = getattr(node, "line", None)
        self.diags.append(diagnostics.make(code, message, self.file, line))
