"""The document model as plain JSON data, and back, checked against the model's types.

The article cache (:mod:`pubbuild.assemble.cache`) stores normalised articles with this
codec instead of pickle: a project folder received from someone else may carry
a crafted cache, and loading it must never run code or smuggle a file from
outside the project into a build.  So decoding is strict: every node names its
type, which must be a model class; every field must be one of that class's,
of the type its annotation says; a path must lie inside the project.  Anything
else raises :class:`InvalidModel`, which the cache treats as a miss.

Paths are written relative to the project, so the data is the same wherever
the project lies (the deposit's ``normalised/*.json`` relies on that too).
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from . import model
from .diagnostics import CODES, Diagnostic

#: Every class a node may name, by name.
NODE_TYPES: dict[str, type] = {
    cls.__name__: cls for cls in vars(model).values()
    if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == model.__name__
} | {"Diagnostic": Diagnostic}

#: The names the model's annotations use: its own, and the one it names only for type checkers
#: (``Article.diagnostics: list[Diagnostic]``; the model does not import the diagnostics).
_HINT_NAMES = {**vars(model), "Diagnostic": Diagnostic}

_Decoder = Callable[[Any, Path], Any]


class InvalidModel(ValueError):
    """Data that is not a model node of the expected type."""


# ------------------------------------------------------------------ encode


def encode(node: Any, root: Path | None) -> Any:
    """``node`` (a model dataclass, list or value) as JSON-ready data; paths relative to
    ``root`` (as given when there is no project).

    Fields holding None, ``""`` or ``[]`` are left out (decoding restores the default).
    """
    if dataclasses.is_dataclass(node):
        out = {"type": type(node).__name__}
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if value is None or value == "" or value == []:
                continue
            out[f.name] = encode(value, root)
        return out
    if isinstance(node, list):
        return [encode(v, root) for v in node]
    if isinstance(node, Path):
        return project_path(node, root)
    return node


def project_path(path: Path, root: Path | None) -> str:
    """``path`` relative to ``root`` (POSIX separators); the path as given when outside."""
    if root is None:
        return str(path)
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


# ------------------------------------------------------------------ decode


def decode(data: Any, cls: type, root: Path) -> Any:
    """The ``cls`` node ``data`` describes (see :func:`encode`); raises :class:`InvalidModel`."""
    return _decoder(cls)(data, root)


@functools.cache
def _decoder(hint: Any) -> _Decoder:
    """A function checking and converting data of type ``hint``, built once per type."""
    origin = typing.get_origin(hint)
    if hint is Any:
        raise TypeError("the model has no untyped fields")
    if hint in (str, int, bool):
        def scalar(v, root, t=hint):
            # bool is an int subclass: compare the exact type.
            if type(v) is not t:
                raise InvalidModel(f"expected {t.__name__}, got {type(v).__name__}")
            return v
        return scalar
    if hint is type(None):
        def none(v, root):
            if v is not None:
                raise InvalidModel("expected null")
            return v
        return none
    if hint is Path:
        return _path
    if origin is typing.Literal:
        allowed = frozenset(typing.get_args(hint))

        def literal(v, root):
            if not isinstance(v, str) or v not in allowed:
                raise InvalidModel(f"unexpected value {v!r}")
            return v
        return literal
    if origin is list:
        (item,) = typing.get_args(hint)
        item_decoder = _decoder(item)

        def sequence(v, root):
            if type(v) is not list:
                raise InvalidModel("expected a list")
            return [item_decoder(x, root) for x in v]
        return sequence
    if origin in (typing.Union, types.UnionType):
        return _union(typing.get_args(hint))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _node(hint)
    raise TypeError(f"no decoder for {hint!r}")


def _union(options: tuple) -> _Decoder:
    nullable = type(None) in options
    rest = [o for o in options if o is not type(None)]
    if all(dataclasses.is_dataclass(o) for o in rest):
        by_name = {o.__name__: o for o in rest}

        def node_of(v, root):
            if v is None and nullable:
                return None
            name = v.get("type") if type(v) is dict else None
            if type(name) is not str or name not in by_name:  # a list or mapping is no name
                raise InvalidModel(f"unexpected node type {name!r}")
            return _decoder(by_name[name])(v, root)
        return node_of
    if len(rest) != 1:
        raise TypeError(f"no decoder for a union of {options!r}")
    inner = _decoder(rest[0])

    def optional(v, root):
        return None if v is None and nullable else inner(v, root)
    return optional


def _node(cls: type) -> _Decoder:
    hints = typing.get_type_hints(cls, _HINT_NAMES)
    types_ = {f.name: hints[f.name] for f in dataclasses.fields(cls)}
    # Text fields are checked inline: most of a model is Text nodes and their strings.
    plain = {key: t for key, t in types_.items() if t in (str, int, bool)}
    nested = {key: _decoder(t) for key, t in types_.items() if key not in plain}
    allowed = frozenset(types_) | {"type"}
    required = {f.name for f in dataclasses.fields(cls)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    name = cls.__name__

    def node(v, root):
        if type(v) is not dict or v.get("type") != name:
            raise InvalidModel(f"expected a {name} node")
        if not allowed.issuperset(v):
            raise InvalidModel(f"{name} has no field {min(set(v) - allowed)!r}")
        values = {}
        for key, value in v.items():
            t = plain.get(key)
            if t is not None:
                if type(value) is not t:  # exact: bool is an int subclass
                    raise InvalidModel(f"{name}.{key}: expected {t.__name__}, got {type(value).__name__}")
                values[key] = value
            elif key != "type":
                values[key] = nested[key](value, root)
        if not required.issubset(values):
            raise InvalidModel(f"{name} lacks {', '.join(sorted(required - values.keys()))}")
        obj = cls(**values)
        if cls is Diagnostic and obj.code not in CODES:
            raise InvalidModel(f"unknown diagnostic code {obj.code!r}")
        return obj
    return node


def _path(v: Any, root: Path) -> Path:
    """A project-relative path from the data, as an absolute path that must stay inside ``root``."""
    if type(v) is not str or not v or "\0" in v:
        raise InvalidModel("expected a path")
    rel = PurePosixPath(v)
    if rel.is_absolute() or ".." in rel.parts:
        raise InvalidModel(f"path {v!r} leaves the project")
    path = root / rel
    try:  # a link inside the project that leads out
        path.resolve().relative_to(_resolved(root))
    except ValueError:
        raise InvalidModel(f"path {v!r} leads outside the project") from None
    return path


@functools.lru_cache(maxsize=8)
def _resolved(root: Path) -> Path:
    # Resolved once per project, not once per path: a cache entry names many images.
    return root.resolve()
