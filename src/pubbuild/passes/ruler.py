"""An ordered, named chain of passes, modelled on markdown-it-py's ``Ruler``.

The chain is data, not code: a caller that needs a variant of it (the editor's
Markdown notes run without ``language``; a test runs one pass alone) derives a
copy by name, instead of rebuilding a list and drifting from the default order.
Unknown names are errors: a misspelt pass name must not silently run nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

F = TypeVar("F", bound=Callable[..., object])


@dataclass(slots=True)
class Rule(Generic[F]):
    """One named entry of a :class:`Ruler`."""

    name: str
    """Unique name, by which the rule is enabled, disabled and placed."""
    fn: F
    """The pass itself."""
    enabled: bool = True
    """Whether :meth:`Ruler.get_rules` hands it out."""


class Ruler(Generic[F]):
    """Named rules in the order they run; each can be enabled, disabled, replaced or placed
    before or after another by name."""

    def __init__(self, rules: Iterable[tuple[str, F]] = ()) -> None:
        self._rules: list[Rule[F]] = []
        for name, fn in rules:
            self.push(name, fn)

    def _find(self, name: str) -> int:
        for i, rule in enumerate(self._rules):
            if rule.name == name:
                return i
        raise KeyError(f"no pass named {name!r} (known: {', '.join(self.names())})")

    def _check_new(self, name: str) -> None:
        if any(rule.name == name for rule in self._rules):
            raise ValueError(f"a pass named {name!r} is already in the chain")

    def push(self, name: str, fn: F) -> None:
        """Add a rule at the end of the chain."""
        self._check_new(name)
        self._rules.append(Rule(name, fn))

    def at(self, name: str, fn: F) -> None:
        """Replace the function of the rule ``name``, keeping its place and state."""
        self._rules[self._find(name)].fn = fn

    def before(self, before_name: str, name: str, fn: F) -> None:
        """Insert a new rule just before ``before_name``."""
        index = self._find(before_name)
        self._check_new(name)
        self._rules.insert(index, Rule(name, fn))

    def after(self, after_name: str, name: str, fn: F) -> None:
        """Insert a new rule just after ``after_name``."""
        index = self._find(after_name)
        self._check_new(name)
        self._rules.insert(index + 1, Rule(name, fn))

    def _set(self, names: str | Iterable[str], enabled: bool) -> list[str]:
        names = [names] if isinstance(names, str) else list(names)
        indexes = [self._find(name) for name in names]  # all checked before any is changed
        for i in indexes:
            self._rules[i].enabled = enabled
        return names

    def enable(self, names: str | Iterable[str]) -> list[str]:
        """Enable the named rules; return their names."""
        return self._set(names, True)

    def disable(self, names: str | Iterable[str]) -> list[str]:
        """Disable the named rules; return their names."""
        return self._set(names, False)

    def enable_only(self, names: str | Iterable[str]) -> list[str]:
        """Enable the named rules and disable every other one."""
        names = [names] if isinstance(names, str) else list(names)
        for name in names:
            self._find(name)
        for rule in self._rules:
            rule.enabled = rule.name in names
        return names

    def names(self) -> list[str]:
        """Every rule's name, in order, enabled or not."""
        return [rule.name for rule in self._rules]

    def enabled_names(self) -> list[str]:
        """The enabled rules' names, in order."""
        return [rule.name for rule in self._rules if rule.enabled]

    def get_rules(self) -> list[tuple[str, F]]:
        """The enabled rules as ``(name, fn)``, in the order they run."""
        return [(rule.name, rule.fn) for rule in self._rules if rule.enabled]

    def copy(self) -> Ruler[F]:
        """An independent copy, to derive a variant without changing this chain."""
        new: Ruler[F] = Ruler()
        new._rules = [Rule(r.name, r.fn, r.enabled) for r in self._rules]
        return new
