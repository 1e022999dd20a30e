"""The manifest (``pubbuild.yaml``): a declarative schema, a loader that reports
every problem at once with its key and line, and the resulting :class:`Manifest`.

The schema is data: each key is an :class:`Option`, a small class of its type (:class:`Text`,
:class:`Date`, :class:`Language` ...) that owns its check and its JSON Schema fragment, as
MkDocs' ``config_options`` do, with the key's docstring and default (the README's manifest
reference lists the same).  Loading collects all problems, then raises one
:class:`ConfigurationError`.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import functools
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .. import diagnostics, langtag
from ..diagnostics import Diagnostic
from ..errors import ConfigurationError
from ..imagesize import oversize
from ..model import Creator, ProjectFont, PublicationMeta
from ..paths import NotRegularFile, inside, read_regular

DATE_RE = re.compile(
    r"^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$")
ROLES = ("author", "editor", "compiler", "translator", "contributor")


class _Problem(Exception):
    """A value is wrong; the loader adds the key and line."""


class _Replaced(Exception):
    """A value is usable but not as written (a deprecated language tag): ``value`` is used
    instead and the loader warns (``M001``) with the key and line."""

    def __init__(self, value: Any, message: str) -> None:
        super().__init__(message)
        self.value, self.message = value, message


# ------------------------------------------------------------------ schema


class Option:
    """One manifest key, as MkDocs' ``config_options``: what it means, how a value is checked
    and converted (:meth:`validate`) and what the JSON Schema says it may be
    (:meth:`json_schema`), in one place.  Subclasses are the option types."""

    kind: str = "text"
    """Type name shown in the reference (``text``, ``date``, ``list of text`` ...)."""

    def __init__(self, doc: str, *, required: bool = False, default: Any = None,
                 kind: str | None = None) -> None:
        self.doc = doc
        """What the key means."""
        self.required = required
        """True when the key must be present."""
        self.default = default
        """Value when absent."""
        if kind is not None:
            self.kind = kind

    def validate(self, value: Any) -> Any:
        """Check a loaded value and return its normalised form, raising ``_Problem`` (or
        ``_Replaced`` for a value usable in another form)."""
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema of the values :meth:`validate` accepts (dates and lengths are strings:
        JSON has no date type, and a YAML language server reads an unquoted date as a string).
        The key's description and default are added by the section that holds it."""
        raise NotImplementedError


def _text(value: Any) -> str:
    """The check every text option starts with: non-empty text without control characters."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _Problem(f"expected text, got {_typename(value)}")
    text = str(value).strip()
    if not text:
        raise _Problem("must not be empty")
    bad = _CONTROL.search(text)
    if bad:  # a NUL or escape cannot be part of a title, a file name or XML
        raise _Problem(f"contains the control character U+{ord(bad.group()):04X}")
    return text


#: Characters no manifest text may hold (YAML's "\0", "\e", "\ud800" ... escapes).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _text_json(**extra: Any) -> dict[str, Any]:
    # _text takes numbers too (a title "1984"); YAML gives them as numbers.
    return {"anyOf": [{"type": "string", "minLength": 1, **extra}, {"type": "number"}]}


class Text(Option):
    """Text (a number is taken as its text)."""

    def validate(self, value: Any) -> str:
        return _text(value)

    def json_schema(self) -> dict[str, Any]:
        return _text_json()


class PathOption(Text):
    """A file inside the project, relative to the manifest's folder (the loader checks that it
    exists and stays inside)."""

    kind = "path"


class Title(Text):
    """A title or subtitle: text of bounded length."""

    def validate(self, value: Any) -> str:
        from ..passes.limits import MAX_TITLE

        text = _text(value)
        if len(text) > MAX_TITLE:
            raise _Problem(f"{len(text):,} characters; a title may have at most {MAX_TITLE}")
        return text

    def json_schema(self) -> dict[str, Any]:
        from ..passes.limits import MAX_TITLE

        return _text_json(maxLength=MAX_TITLE)


class Prose(Text):
    """An editor's note or introduction: text of bounded length (a megabyte of it cost the
    PDF minutes; nothing to cut at, as it is the editor's own, so it is an error)."""

    def validate(self, value: Any) -> str:
        from ..passes.limits import MAX_PROSE

        text = _text(value)
        if len(text) > MAX_PROSE:
            raise _Problem(f"{len(text):,} characters; an editor's text may have at most {MAX_PROSE:,}")
        return text

    def json_schema(self) -> dict[str, Any]:
        from ..passes.limits import MAX_PROSE

        return _text_json(maxLength=MAX_PROSE)


class TextList(Option):
    """A list of text, or one text for a list of one."""

    kind = "list of text"

    def validate(self, value: Any) -> list[str]:
        if isinstance(value, str):
            return [_text(value)]
        if not isinstance(value, list):
            raise _Problem(f"expected a list of text, got {_typename(value)}")
        return [_text(v) for v in value]

    def json_schema(self) -> dict[str, Any]:
        # One text stands for a list of one only when it is text: a bare number (``authors:
        # 3.5``) is refused, most likely a slip; inside a list a number is its text, as for Text.
        return {"anyOf": [{"type": "string", "minLength": 1},
                          {"type": "array", "items": _text_json()}]}


class Date(Option):
    """An ISO 8601 date or date and time, kept as written (a YAML date as its ISO form)."""

    kind = "date"

    def validate(self, value: Any) -> str:
        if isinstance(value, _dt.datetime):
            return value.isoformat()
        if isinstance(value, _dt.date):
            return value.isoformat()
        text = _text(value)
        if not DATE_RE.match(text):
            raise _Problem(f"expected an ISO 8601 date such as 2024-03-14, got {text!r}")
        # The pattern admits 2024-13-45; the calendar does not.
        y, m, d = (text[:10].split("-") + ["01", "01"])[:3]
        try:
            _dt.date(int(y), int(m), int(d))
            if len(text) > 10:
                _dt.datetime.fromisoformat(text)
        except ValueError as exc:
            raise _Problem(f"{text!r} is not a real date or time ({exc})") from None
        return text

    def json_schema(self) -> dict[str, Any]:
        # A bare year (``date: 1984``) is a number in YAML, and a date to the check.
        return {"anyOf": [{"type": "string", "pattern": DATE_RE.pattern},
                          {"type": "integer", "minimum": 1000, "maximum": 9999}]}


class Language(Option):
    """A BCP 47 language tag in the registry; a deprecated one is replaced by its preferred
    form, with a warning (``_Replaced``)."""

    kind = "language tag"

    def validate(self, value: Any) -> str:
        text = _text(value)
        tag = langtag.normalise(text)
        if tag is None:
            raise _Problem(f"expected a language tag such as en or hy-AM, got {text!r}")
        try:
            preferred, why = langtag.registered(tag)
        except langtag.UnknownLanguage as exc:
            raise _Problem(str(exc)) from None
        if why:
            raise _Replaced(preferred, why)
        return tag

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": langtag.WELL_FORMED}


class Languages(Option):
    """One language tag or a list of them; the deprecated ones replaced, with one warning."""

    kind = "language tags"
    item = Language("One tag of the list.")
    """How each tag is checked."""

    def validate(self, value: Any) -> list[str]:
        tags, why = [], []
        for v in (value if isinstance(value, list) else [value]):
            try:
                tags.append(self.item.validate(v))
            except _Replaced as exc:
                tags.append(exc.value)
                why.append(exc.message)
        if why:
            raise _Replaced(tags, "; ".join(why))
        return tags

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [{"type": "string", "pattern": langtag.WELL_FORMED},
                          {"type": "array", "items": {"type": "string", "pattern": langtag.WELL_FORMED}}]}


class Encoding(Text):
    """A character encoding name the reader's decoder knows."""

    def validate(self, value: Any) -> str:
        from ..reader.decode import lookup

        text = _text(value)
        if lookup(text) is None:
            raise _Problem(f"expected a character encoding such as utf-8, windows-1252 or gb2312, got {text!r}")
        return text

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "minLength": 1}


class Url(Text):
    """An http(s) URL."""

    kind = "URL"
    pattern = r"^https?://[^\s/]+"

    def validate(self, value: Any) -> str:
        text = _text(value)
        if not re.match(self.pattern, text):
            raise _Problem(f"expected an http(s) URL, got {text!r}")
        return text

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": self.pattern}


#: A plain file-name stem: the outputs, the cache and the deposit are named after the slug,
#: so a slug with a folder in it (``../x``, ``/abs/x``) would write outside the project.
SLUG_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


class Slug(Text):
    """A plain file-name stem (:data:`SLUG_RE`)."""

    kind = "file name"

    def validate(self, value: Any) -> str:
        text = _text(value)
        if not SLUG_RE.fullmatch(text):
            raise _Problem("expected a plain file name (up to 100 letters, digits, '.', '-' or '_', "
                           f"starting with a letter or digit; no folders), got {text!r}")
        return text

    def json_schema(self) -> dict[str, Any]:
        # A whole number (``slug: 2024``) is its digits to the check.
        return {"anyOf": [{"type": "string", "pattern": f"^(?:{SLUG_RE.pattern})$"},
                          {"type": "integer", "minimum": 0}]}


class Creators(Option):
    """People responsible: each a name, or a mapping of name and role (:data:`ROLES`)."""

    kind = "list of creators"

    def validate(self, value: Any) -> list[Creator]:
        if isinstance(value, (str, dict)):
            value = [value]
        if not isinstance(value, list):
            raise _Problem(f"expected a list of creators, got {_typename(value)}")
        out = []
        for item in value:
            if isinstance(item, str):
                out.append(Creator(_text(item)))
                continue
            if not isinstance(item, dict):
                raise _Problem(f"expected a name or a mapping with name and role, got {_typename(item)}")
            unknown = set(item) - {"name", "role"}
            if unknown:
                raise _Problem(f"unknown creator key {min(unknown)!r} (expected name, role)")
            if "name" not in item:
                raise _Problem("creator without a name")
            role = item.get("role", "author")
            if role not in ROLES:
                raise _Problem(f"role must be one of {', '.join(ROLES)}, got {role!r}")
            out.append(Creator(_text(item["name"]), role))
        return out

    def json_schema(self) -> dict[str, Any]:
        creator = {"type": "object", "properties": {"name": _text_json(), "role": {"enum": list(ROLES)}},
                   "required": ["name"], "additionalProperties": False}
        name = {"type": "string", "minLength": 1}  # a bare name: text, never empty (as _text)
        return {"anyOf": [name, creator, {"type": "array", "items": {"anyOf": [name, creator]}}]}


class Bool(Option):
    """true or false (YAML's own; not the text "yes")."""

    kind = "true/false"

    def validate(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise _Problem(f"expected true or false, got {_typename(value)}")
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


class Choice(Text):
    """One of a few words (``normal`` or ``bold``)."""

    def __init__(self, doc: str, allowed: tuple[str, ...], **kw: Any) -> None:
        super().__init__(doc, **kw)
        self.allowed = allowed
        """The words accepted."""

    def validate(self, value: Any) -> str:
        text = _text(value)
        if text not in self.allowed:
            raise _Problem(f"expected {' or '.join(self.allowed)}, got {text!r}")
        return text

    def json_schema(self) -> dict[str, Any]:
        return {"enum": list(self.allowed)}


class Checked(Text):
    """Text kept as written but checked by a backend's parser (a paper size, a margin)."""

    def __init__(self, doc: str, parser: Callable[[str], Any], **kw: Any) -> None:
        super().__init__(doc, **kw)
        self.parser = parser
        """Raises ValueError with the reason when the text is wrong."""

    def validate(self, value: Any) -> str:
        text = _text(value)
        try:
            self.parser(text)
        except ValueError as exc:
            raise _Problem(str(exc)) from None
        return text


class Section(Option):
    """A mapping whose keys are options of their own (``accessibility:``, ``pdf:``); the value
    is kept as it is here and its keys are checked by the loader's own pass over it."""

    kind = "mapping"

    def __init__(self, doc: str, fields: Callable[[], dict[str, Option]], **kw: Any) -> None:
        super().__init__(doc, **kw)
        self.fields = fields
        """The schema of its keys (a callable: the tables refer to each other)."""

    def validate(self, value: Any) -> Any:
        return value

    def json_schema(self) -> dict[str, Any]:
        return _section_json(self.fields())


class Entries(Section):
    """A list of mappings (``articles:``, ``parts:``, ``fonts:``), each checked by the loader
    against ``fields``; with ``or_path`` an entry may be just a path."""

    def __init__(self, doc: str, fields: Callable[[], dict[str, Option]], *, kind: str,
                 or_path: bool = False, **kw: Any) -> None:
        super().__init__(doc, fields, kind=kind, **kw)
        self.or_path = or_path
        """True when an entry may be given as its path alone."""

    def json_schema(self) -> dict[str, Any]:
        value = super().json_schema()
        if self.or_path:
            value = {"anyOf": [_text_json(), value]}
        return {"type": "array", "items": value, **({} if self.default == [] else {"minItems": 1})}


def _typename(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


ARTICLE_SCHEMA: dict[str, Option] = {
    "source": PathOption("The article file (.html, .htm, .xhtml, .txt, .md), relative to "
                         "the manifest's folder and inside it.", required=True),
    "title": Title("Overrides the title found in the source."),
    "subtitle": Title("Overrides the subtitle or standfirst."),
    "authors": TextList("Overrides the authors found in the source."),
    "language": Language("Overrides the article's language."),
    "url": Url("Where the article was published (source URL)."),
    "site": Text("Publishing site or publisher of the article."),
    "published": Date("Publication date of the article."),
    "retrieved": Date("When the article was retrieved or saved."),
    "note": Prose("An editor's note shown before the article (Markdown)."),
    "encoding": Encoding("The source's character encoding, when what the file declares (or "
                         "detection) is wrong."),
}

ACCESSIBILITY_SCHEMA: dict[str, Option] = {
    "certifier": Text("Who vouches for the accessibility conformance claim; without "
                      "it no claim is made."),
    "credential": Text("The certifier's credential."),
}


def _setting_option(setting) -> Option:
    """A backend's :class:`~pubbuild.backends.Setting` as a manifest option."""
    if setting.parse is None:
        return Bool(setting.doc, kind=setting.kind)
    return Checked(setting.doc, setting.parse, kind=setting.kind)


def _backend_sections() -> dict[str, Any]:
    """Section name -> the backend that declared it.  The hook through which each backend
    has its own keys checked here (the ``pdf:`` mapping), without the manifest knowing them."""
    from ..backends import settings_sections

    return settings_sections()


PUBLICATION_SCHEMA: dict[str, Option] = {
    "title": Title("Title of the publication.", required=True),
    "subtitle": Title("Subtitle."),
    "language": Language("Main language (BCP 47, e.g. en, en-GB, hy).", default="en"),
    "creators": Creators("People responsible: a name, or name and role "
                         f"({', '.join(ROLES)}).", default=[]),
    "publisher": Text("Publisher."),
    "date": Date("Publication date; also the timestamp of the output when "
                 "SOURCE_DATE_EPOCH is not set."),
    "identifier": Text("Unique identifier (URN, ISBN, DOI); derived stably from "
                       "title, creators and date when absent."),
    "description": Text("Short description."),
    "rights": Text("Rights statement."),
    "subjects": TextList("Subjects or keywords.", default=[]),
    "cover": PathOption("Cover image (PNG, JPEG or SVG) inside the project."),
    "slug": Slug("Base name of the output files (letters, digits, `.`, `-`, `_`; "
                 "no folders); derived from the title when absent."),
    "accessibility": Section("Accessibility conformance: certifier, credential.",
                             lambda: ACCESSIBILITY_SCHEMA),
    "articles": Entries("The articles, in reading order (or use `parts`).",
                        lambda: ARTICLE_SCHEMA, kind="list of articles", or_path=True),
    "introduction": Prose("The editor's introduction to the whole publication (Markdown)."),
    "fonts": Entries("Font files of the project the PDF prints with, tried "
                     "before the shipped fonts: each a path or a mapping of file, lang, weight, "
                     "style (see Fonts in README).", lambda: FONT_SCHEMA, kind="list of fonts",
                     or_path=True, default=[]),
    "parts": Entries("Groups of articles, each with a title, an optional "
                     "introduction and its `articles`; instead of a top-level `articles`.",
                     lambda: PART_SCHEMA, kind="list of parts"),
}


def _settings_schema(backend) -> dict[str, Option]:
    """A backend's own section (its :attr:`~pubbuild.backends.Backend.settings`) as options."""
    return {key: _setting_option(setting) for key, setting in backend.settings.items()}


def publication_schema() -> dict[str, Option]:
    """The top level: :data:`PUBLICATION_SCHEMA` and each backend's own section (``pdf:``).
    The loader and :func:`json_schema` both read it, so they cannot disagree."""
    schema = dict(PUBLICATION_SCHEMA)
    for name, cls in _backend_sections().items():
        schema[name] = Section(cls.settings_doc, functools.partial(_settings_schema, cls))
    return schema


FONT_SCHEMA: dict[str, Option] = {
    "file": PathOption("TrueType or OpenType font file (or collection) inside the project.",
                       required=True),
    "lang": Languages("Languages whose text tries this font first (one tag or a "
                      "list); without it the font is a fallback for any text after the house serif.",
                      default=[]),
    "weight": Choice("normal or bold.", ("normal", "bold"), default="normal"),
    "style": Choice("normal or italic.", ("normal", "italic"), default="normal"),
}

PART_SCHEMA: dict[str, Option] = {
    "title": Title("Title of the part.", required=True),
    "introduction": Prose("Introduction to the part (Markdown)."),
    "articles": Entries("The part's articles, in reading order (entries as "
                        "in the top-level `articles`).", lambda: ARTICLE_SCHEMA,
                        kind="list of articles", or_path=True, required=True),
}


# ------------------------------------------------------------------ result


@dataclass(slots=True)
class ArticleSpec:
    """An ``articles:`` entry: the source and what the manifest overrides."""

    source: Path
    """Absolute path of the source file."""
    overrides: dict[str, Any] = field(default_factory=dict)
    """Values from the manifest, keyed as in :data:`ARTICLE_SCHEMA`."""
    line: int | None = None
    """Line of the entry in the manifest."""


@dataclass(slots=True)
class Manifest:
    """A loaded, validated manifest."""

    path: Path | None
    """The manifest file (None for a one-article build)."""
    root: Path
    """Project folder: everything read must lie inside it."""
    meta: PublicationMeta
    """Publication metadata."""
    articles: list[ArticleSpec]
    """The articles."""
    slug: str
    """Base name of the output files."""
    settings: dict[str, dict] = field(default_factory=dict)
    """Each backend's own section (``pdf:`` ...), checked, by section name."""
    fonts: tuple[ProjectFont, ...] = ()
    """The ``fonts:`` entries: the project's own font files."""
    parts: list[PartSpec] = field(default_factory=list)
    """The ``parts:`` entries; empty when the manifest lists ``articles:`` directly."""
    introduction: str | None = None
    """The editor's introduction (Markdown source)."""
    warnings: list[Diagnostic] = field(default_factory=list)
    """Findings that do not stop the build (``M001`` a language tag replaced, ``M002`` a
    source listed twice), each naming the manifest and line."""


@dataclass(slots=True)
class PartSpec:
    """A ``parts:`` entry: a title, an introduction and a run of ``Manifest.articles``."""

    title: str
    """Title of the part."""
    introduction: str | None = None
    """Introduction (Markdown source)."""
    start: int = 0
    """Index in ``Manifest.articles`` of the part's first article."""
    count: int = 0
    """Number of articles in the part."""
    line: int | None = None
    """Line of the entry in the manifest."""


# ------------------------------------------------------------------ loading


_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


class _LineLoader(yaml.SafeLoader):
    """Safe loader that refuses anchors and aliases.

    A manifest never needs them, and nested aliases expand exponentially when the
    data is built ("billion laughs": a 1 kB file took gigabytes), so the first
    ``&anchor`` or ``*alias`` stops composing before anything is expanded.
    """

    _depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            kind = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
            raise yaml.composer.ComposerError(
                None, None, f"YAML {kind} {'*&'[kind == 'anchor']}{event.anchor} is not allowed in a manifest",
                event.start_mark)
        # PyYAML composes one level per call: 20,000 nested "[" overflowed Python's stack.
        if self._depth >= MAX_YAML_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"nested deeper than {MAX_YAML_DEPTH} levels; a manifest needs a few", event.start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


#: Deepest nesting of lists and mappings a manifest may have (it uses four).
MAX_YAML_DEPTH = 32


def _yaml_problem(name: str, mark: Any, message: str) -> ConfigurationError:
    """One line, ``file:line:col: invalid YAML: message``, whatever PyYAML's message spans."""
    where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark is not None else name
    return ConfigurationError("invalid YAML", [f"{where}: invalid YAML: {' '.join(message.split())}"])


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """A YAML date, or its text when it is no real date (``2024-13-45``), so that the
    schema reports it with its key and line instead of the loader failing."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return node.value


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def _compose(text: str, name: str) -> tuple[Any, dict[tuple, int]]:
    """Parse YAML safely, returning the data and a ``key path -> line`` map.

    Duplicate keys are errors (PyYAML keeps the last value silently), each naming
    the lines of both.
    """
    lines: dict[tuple, int] = {}
    try:
        node = yaml.compose(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)
        context, started = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and started is not None and problem != context:
            # PyYAML prints this on lines of its own; it says where the broken construct began.
            problem += f" ({context} started at line {started.line + 1})"
        raise _yaml_problem(name, mark, problem) from None
    if node is None:
        return None, lines
    constructor = _LineLoader("")
    duplicates: list[str] = []

    def walk(n: yaml.Node, path: tuple) -> Any:
        lines.setdefault(path, n.start_mark.line + 1)
        if not isinstance(n, yaml.ScalarNode) and n.tag not in _PLAIN_TAGS:
            raise _yaml_problem(name, n.start_mark, f"unsupported tag {n.tag!r}")
        if isinstance(n, yaml.MappingNode):
            out = {}
            for k, v in n.value:
                key = constructor.construct_object(k, deep=True)
                key = str(key)
                if key in out:
                    first = lines[path + (key,)]
                    duplicates.append(f"{name}:{k.start_mark.line + 1}: {_keypath(path + (key,))}: "
                                      f"duplicate key (first given at line {first})")
                    continue
                lines[path + (key,)] = k.start_mark.line + 1
                out[key] = walk(v, path + (key,))
            return out
        if isinstance(n, yaml.SequenceNode):
            return [walk(v, path + (i,)) for i, v in enumerate(n.value)]
        return constructor.construct_object(n, deep=True)

    try:
        data = walk(node, ())
    except yaml.YAMLError as exc:
        raise _yaml_problem(name, getattr(exc, "problem_mark", None),
                            getattr(exc, "problem", None) or str(exc)) from None
    if duplicates:
        raise ConfigurationError("duplicate keys", duplicates)
    return data, lines


def _keypath(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


class _Collector:
    """Gathers problems as ``file:line: key: message`` lines."""

    def __init__(self, name: str, lines: dict[tuple, int]) -> None:
        self.name, self.lines = name, lines
        self.problems: list[str] = []
        self.warnings: list[Diagnostic] = []

    def line(self, path: tuple) -> int | None:
        for cut in range(len(path), -1, -1):
            line = self.lines.get(path[:cut])
            if line:
                return line
        return None

    def add(self, path: tuple, message: str) -> None:
        line = self.line(path)
        where = f"{self.name}:{line}" if line else self.name
        self.problems.append(f"{where}: {_keypath(path)}: {message}")

    def warn(self, code: str, path: tuple, message: str) -> None:
        """A finding that does not stop the build: a diagnostic naming the manifest and line."""
        self.warnings.append(diagnostics.make(code, f"{_keypath(path)}: {message}", self.name,
                                              self.line(path)))

    def section(self, data: Any, schema: dict[str, Option], path: tuple) -> dict[str, Any]:
        """Validate one mapping against a schema; return converted values."""
        if not isinstance(data, dict):
            self.add(path, f"expected a mapping, got {_typename(data)}")
            return {}
        out: dict[str, Any] = {}
        for key, value in data.items():
            option = schema.get(key)
            if option is None:
                guess = difflib.get_close_matches(key, list(schema), n=1)
                hint = f" (did you mean {guess[0]!r}?)" if guess else ""
                self.add(path + (key,), f"unknown key{hint}")
                continue
            try:
                out[key] = option.validate(value)
            except _Problem as exc:
                self.add(path + (key,), str(exc))
            except _Replaced as exc:
                out[key] = exc.value
                self.warn("M001", path + (key,), exc.message)
        for key, option in schema.items():
            if key not in data:
                if option.required:
                    self.add(path, f"missing required key {key!r}")
                elif option.default is not None:
                    out[key] = option.default
        return out


def slugify(text: str, fallback: str = "publication") -> str:
    """A lower-case ASCII file-name stem from a title."""
    from ..textutil import slug

    return slug(text, 60) or fallback


def derive_identifier(title: str, creators: list[Creator], date: str | None) -> str:
    """A stable ``urn:uuid`` from what identifies the publication."""
    key = "|".join([title, ",".join(c.name for c in creators), date or ""])
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'pubbuild:' + key)}"


def load(path: Path) -> Manifest:
    """Load and validate a manifest; raise one ConfigurationError listing every problem."""
    name = str(path)
    try:
        raw = read_regular(path)
    except FileNotFoundError:
        raise ConfigurationError(f"{name}: manifest not found") from None
    except NotRegularFile:
        raise ConfigurationError(f"{name}: manifest is not a regular file (a FIFO, socket or device)") from None
    except OSError as exc:
        raise ConfigurationError(f"{name}: cannot read manifest: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigurationError(f"{name}: manifest is not UTF-8 text (byte {exc.start})") from None
    data, lines = _compose(text, name)
    problems = _Collector(name, lines)
    if data is None:
        raise ConfigurationError(f"{name}: manifest is empty")
    sections = _backend_sections()
    values = problems.section(data, publication_schema(), ())
    root = path.resolve().parent

    specs: list[ArticleSpec] = []
    part_specs: list[PartSpec] = []
    keys = data if isinstance(data, dict) else {}
    if "articles" in keys and "parts" in keys:
        problems.add(("parts",), "use either `articles` or `parts`, not both")
    elif "parts" in values:
        part_specs = _parts(values["parts"], root, problems, lines, specs, {})
    elif "articles" not in keys:
        problems.add((), "missing required key 'articles' (or 'parts')")
    else:
        specs = _articles(values.get("articles"), ("articles",), root, problems, lines, {})

    access = problems.section(values.get("accessibility") or {}, ACCESSIBILITY_SCHEMA,
                              ("accessibility",))
    settings = {name: problems.section(values.get(name) or {}, _settings_schema(cls), (name,))
                for name, cls in sections.items()}
    fonts = _fonts(values.get("fonts", []), root, problems)
    cover = None
    if "cover" in values:
        cover = _source_path(root, values["cover"], problems, ("cover",))
        problem = oversize(cover) if cover is not None else None
        if problem:
            problems.add(("cover",), f"{values['cover']} {problem}")
    if problems.problems:
        n = len(problems.problems)
        raise ConfigurationError(f"{name}: {n} problem{'s' * (n != 1)}", problems.problems)

    creators = values.get("creators", [])
    meta = PublicationMeta(
        title=values["title"], language=values["language"], subtitle=values.get("subtitle"),
        creators=creators, publisher=values.get("publisher"), date=values.get("date"),
        identifier=values.get("identifier") or derive_identifier(
            values["title"], creators, values.get("date")),
        description=values.get("description"), rights=values.get("rights"),
        subjects=values.get("subjects", []), certifier=access.get("certifier"), cover=cover,
        certifier_credential=access.get("credential"))
    return Manifest(path, root, meta, specs, values.get("slug") or slugify(values["title"]),
                    settings=settings, fonts=fonts, parts=part_specs,
                    introduction=values.get("introduction"), warnings=problems.warnings)


def _articles(articles: Any, key: tuple, root: Path, problems: _Collector,
              lines: dict[tuple, int], seen: dict[Path, int | None]) -> list[ArticleSpec]:
    """Validate an ``articles:`` list (top level or in a part) into specs.  A source listed
    again (``seen``: every source so far, with its line) is built once, where it first
    appears, with a warning: twice in the book is never what an editor means."""
    specs: list[ArticleSpec] = []
    if articles is not None and not isinstance(articles, list):
        problems.add(key, f"expected a list of articles, got {_typename(articles)}")
    elif articles is not None and not articles:
        problems.add(key, "the publication has no articles" if len(key) == 1 else "the part has no articles")
    for i, entry in enumerate(articles if isinstance(articles, list) else []):
        here = key + (i,)
        if isinstance(entry, str):
            entry = {"source": entry}
        item = problems.section(entry, ARTICLE_SCHEMA, here)
        source = item.pop("source", None)
        if source is None:
            continue
        spec = _source_path(root, source, problems, here + ("source",))
        if spec is not None and spec in seen:
            first = f" (first listed at line {seen[spec]})" if seen[spec] else ""
            problems.warn("M002", here, f"{source} is listed again{first}; it is built once")
        elif spec is not None:
            seen[spec] = lines.get(here)
            specs.append(ArticleSpec(spec, item, lines.get(here)))
    return specs


def _parts(parts: Any, root: Path, problems: _Collector, lines: dict[tuple, int],
           specs: list[ArticleSpec], seen: dict[Path, int | None]) -> list[PartSpec]:
    """Validate ``parts:``; append every part's articles to ``specs`` in reading order."""
    if not isinstance(parts, list):
        problems.add(("parts",), f"expected a list of parts, got {_typename(parts)}")
        return []
    if not parts:
        problems.add(("parts",), "the publication has no parts")
    out: list[PartSpec] = []
    for i, entry in enumerate(parts):
        here = ("parts", i)
        values = problems.section(entry, PART_SCHEMA, here)
        if "title" not in values:
            continue
        found = _articles(values.get("articles"), here + ("articles",), root, problems, lines, seen)
        out.append(PartSpec(values["title"], values.get("introduction"), len(specs), len(found),
                            lines.get(here)))
        specs.extend(found)
    return out


def _fonts(entries: Any, root: Path, problems: _Collector) -> tuple[ProjectFont, ...]:
    """Validate ``fonts:``: each file inside the project and a font fontTools can read."""
    from fontTools.ttLib import TTFont, TTLibError

    if not isinstance(entries, list):
        problems.add(("fonts",), f"expected a list of fonts, got {_typename(entries)}")
        return ()
    out = []
    for i, entry in enumerate(entries):
        here = ("fonts", i)
        item = problems.section({"file": entry} if isinstance(entry, str) else entry, FONT_SCHEMA, here)
        path = _source_path(root, item["file"], problems, here + ("file",)) if "file" in item else None
        if path is None:
            continue
        try:
            with TTFont(path, lazy=True, fontNumber=0) as font:
                if font.getBestCmap() is None:
                    raise TTLibError("no Unicode character map")
        except (TTLibError, OSError, ValueError, AssertionError, KeyError) as exc:
            problems.add(here + ("file",), f"{item['file']} is not a TrueType or OpenType font "
                         f"pubbuild can read ({exc})")
            continue
        # A ``lang`` refused is already a problem (and left out of ``item``): the load fails anyway.
        out.append(ProjectFont(path, tuple(item.get("lang", ())), item["weight"], item["style"]))
    return tuple(out)


def _source_path(root: Path, value: str, problems: _Collector, key: tuple) -> Path | None:
    candidate = Path(value)
    if candidate.is_absolute() or not inside(root, root / candidate):
        problems.add(key, f"{value!r} is outside the project folder {root}; refused")
        return None
    full = (root / candidate)
    if not full.is_file():
        problems.add(key, f"file not found: {value}")
        return None
    return full.resolve()


def single_article(source: Path) -> Manifest:
    """A manifest for ``pubbuild epub ARTICLE``: one article, metadata from the article."""
    source = source.resolve()
    # The article's own folder bounds what it may read, wherever pubbuild is run from: a page
    # saved into the home folder must not reach the rest of it through ../ or absolute paths.
    root = source.parent
    if not source.is_file():
        raise ConfigurationError(f"{source}: file not found")
    meta = PublicationMeta(title="", language="")  # filled from the article by the builder
    return Manifest(None, root, meta, [ArticleSpec(source)], slugify(source.stem, "article"))


# ------------------------------------------------------------------ JSON Schema


def _section_json(schema: dict[str, Option]) -> dict[str, Any]:
    """A mapping of options as a JSON Schema object: each option's own schema with its
    description and default."""
    out: dict[str, Any] = {"type": "object", "properties": {}, "additionalProperties": False}
    for key, option in schema.items():
        value = option.json_schema()
        value["description"] = option.doc
        if option.default not in (None, []):
            value["default"] = option.default
        out["properties"][key] = value
    required = [key for key, option in schema.items() if option.required]
    if required:
        out["required"] = required
    return out


def json_schema() -> dict[str, Any]:
    """The manifest's JSON Schema (draft 2020-12), made from the tables the loader checks
    against (:data:`PUBLICATION_SCHEMA` and the sections it names)."""
    schema = _section_json(publication_schema())
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "pubbuild manifest (pubbuild.yaml)", **schema,
            # Either a flat list of articles or parts, never both.
            "oneOf": [{"required": ["articles"]}, {"required": ["parts"]}]}
