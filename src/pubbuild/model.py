"""The document model: the only contract between the readers and the backends.

Readers (``pubbuild.reader``) turn a source file into an :class:`Article`; the
normalisation passes (``pubbuild.passes``) rewrite it in place; backends
(``pubbuild.backends``) render a :class:`Publication` and never see raw HTML or
YAML.  Nodes are small slotted dataclasses.  The vocabulary is closed: a
renderer that meets a node it does not know fails loudly.

Inline content is a list of :data:`Inline` nodes; block content is a list of
:data:`Block` nodes.  Heading levels inside an article body start at 1 (the
article title is metadata, rendered one level above the body's headings).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .diagnostics import Diagnostic

# --------------------------------------------------------------------- inline


@dataclass(slots=True)
class Text:
    """A run of plain text."""

    text: str
    """The characters, unescaped; white space already collapsed by the reader."""


#: Inline semantic kinds kept from HTML, each rendered as the element of that name.
StyledKind = Literal[
    "em", "strong", "code", "q", "cite", "abbr", "sub", "sup", "dfn", "kbd",
    "samp", "var", "mark", "small", "s", "b", "i", "u", "bdi", "time",
]


@dataclass(slots=True)
class Styled:
    """Inline content with a semantic meaning (emphasis, code, quotation ...)."""

    kind: StyledKind
    """Which meaning; rendered as the HTML element of the same name."""
    children: list[Inline] = field(default_factory=list)
    """The content."""
    title: str | None = None
    """Expansion of an abbreviation or a definition's title."""
    lang: str | None = None
    """BCP 47 language of this content where it differs from its context."""
    datetime: str | None = None
    """Machine-readable date for ``time``."""


@dataclass(slots=True)
class Span:
    """A foreign-language (or otherwise directional) passage inside a paragraph."""

    children: list[Inline] = field(default_factory=list)
    """The content."""
    lang: str | None = None
    """BCP 47 language tag of the passage."""
    dir: str | None = None
    """Text direction (``ltr``/``rtl``) when it differs from the context."""


@dataclass(slots=True)
class Link:
    """A hyperlink."""

    href: str
    """Absolute URL, or ``#id`` for a target inside the same article."""
    children: list[Inline] = field(default_factory=list)
    """The link text."""
    title: str | None = None
    """Advisory title."""


@dataclass(slots=True)
class LineBreak:
    """A forced line break inside a block (poetry, addresses)."""


@dataclass(slots=True)
class NoteRef:
    """A reference to a note of the same article (``Article.notes``)."""

    note_id: str
    """The ``id`` of the :class:`Note` referred to."""
    label: str = ""
    """The visible marker; renumbered by the notes pass."""
    id: str = ""
    """Anchor of the reference itself, so the note can link back."""


@dataclass(slots=True)
class InlineImage:
    """A small image inside running text (an icon, a formula)."""

    image: Image
    """The image."""


Inline = Text | Styled | Span | Link | LineBreak | NoteRef | InlineImage

# ---------------------------------------------------------------------- blocks


@dataclass(slots=True)
class Image:
    """An image: a local asset inside the project, or a remote URL."""

    src: str
    """Absolute URL (``https:``, ``data:``) or a path relative to the project root."""
    alt: str | None = None
    """Text alternative; ``None`` when the source gave none (a diagnostic says so)."""
    decorative: bool = False
    """True when the source marked it as decorative (``alt=""``)."""
    width: str | None = None
    """Intrinsic width as given by the source (CSS pixels), if any."""
    height: str | None = None
    """Intrinsic height as given by the source (CSS pixels), if any."""
    local: Path | None = None
    """Absolute path of the file on disk when the image belongs to the project."""
    media_type: str | None = None
    """MIME type of the local file (``image/png`` ...)."""
    line: int | None = field(default=None, compare=False, repr=False)
    """Source line (1-based) it was read from, for diagnostics; ignored by ``==``."""


@dataclass(slots=True)
class Paragraph:
    """A paragraph of running text."""

    children: list[Inline] = field(default_factory=list)
    """The content."""
    lang: str | None = None
    """Language of the paragraph where it differs from the article's."""
    line: int | None = field(default=None, compare=False, repr=False)
    """Source line (1-based) it was read from, for diagnostics; ignored by ``==``."""


@dataclass(slots=True)
class Heading:
    """A heading inside the article body (the title is metadata, not a heading)."""

    level: int
    """1 for the body's top level; the passes repair skipped levels."""
    children: list[Inline] = field(default_factory=list)
    """The heading text."""
    id: str = ""
    """Anchor, unique within the article; set by the ids pass."""
    lang: str | None = None
    """Language where it differs from the article's."""
    line: int | None = field(default=None, compare=False, repr=False)
    """Source line (1-based) it was read from, for diagnostics; ignored by ``==``."""


@dataclass(slots=True)
class Section:
    """A heading and everything under it up to the next heading of its level or above."""

    heading: Heading
    """The section's heading."""
    children: list[Block] = field(default_factory=list)
    """The section's content, including nested sections."""
    lang: str | None = None
    """Language where it differs from the article's."""
    line: int | None = field(default=None, compare=False, repr=False)
    """Source line (1-based) it was read from, for diagnostics; ignored by ``==``."""


@dataclass(slots=True)
class ListItem:
    """One item of a :class:`List`."""

    children: list[Block] = field(default_factory=list)
    """The item's content (usually one paragraph)."""
    lang: str | None = None
    """Language where it differs from the article's."""
    line: int | None = field(default=None, compare=False, repr=False)
    """Source line (1-based) it was read from, for diagnostics; ignored by ``==``."""


@dataclass(slots=True)
class List:
    """A bulleted or numbered list."""

    items: list[ListItem] = field(default_factory=list)
    """The items, in order."""
    ordered: bool = False
    """True for a numbered list."""
    start: int | None = None
    """First number of an ordered list when not 1."""
    line: int | None = field(default=None, compare=False, repr=False)
    """Source line (1-based) it was read from, for diagnostics; ignored by ``==``."""


@dataclass(slots=True)
class DefinitionItem:
    """A term with its descriptions."""

    terms: list[list[Inline]] = field(default_factory=list)
    """One or more terms."""
    descriptions: list[list[Block]] = field(default_factory=list)
    """One or more descriptions."""


@dataclass(slots=True)
class DefinitionList:
    """A list of terms and descriptions (``dl``)."""

    items: list[DefinitionItem] = field(default_factory=list)
    """The entries."""
    line: int | None = field(default=None, compare=False, repr=False)
    """Source line (1-based) it was read from, for diagnostics; ignored by ``==``."""


@dataclass(slots=True)
class Quote:
    """A block quotation."""

    children: list[Block] = field(default_factory=list)
    """The quoted content."""
    attribution: list[Inline] | None = None
    """Who or what is quoted, shown under the quotation."""
    cite: str | None = None
    """URL of the quoted source."""
    lang: str | None = None
    """Language of the quotation where it differs from the article's."""
    line: int | None = field(default=None, compare=False, repr=False)
    """Source line (1-based) it was read from, for diagnostics; ignored by ``==``."""


@dataclass(slots=True)
class Figure:
    """One or more images with an optional caption."""

    images: list[Image] = field(default_factory=list)
    """The images."""
    caption: list[Inline] | None = None
    """The caption."""
    id: str = ""
    """Anchor."""
    line: int | None = field(default=None, compare=False, repr=False)
    """Source line (1-based) it was read from, for diagnostics; ignored by ``==``."""


@dataclass(slots=True)
class Cell:
    """A table cell."""

    children: list[Block] = field(default_factory=list)
    """The content."""
    header: bool = False
    """True for a header cell (``th``)."""
    scope: Literal["col", "row", "colgroup", "rowgroup"] | None = None
    """What a header cell heads."""
    colspan: int = 1
    """Columns spanned."""
    rowspan: int = 1
    """Rows spanned."""
    id: str = ""
    """Anchor (set for header cells by the ids pass)."""
    align: Literal["left", "right", "center"] | None = None
    """The column's alignment where the source gives one (numbers to the right)."""


@dataclass(slots=True)
class Row:
    """A table row."""

    cells: list[Cell] = field(default_factory=list)
    """The cells."""


@dataclass(slots=True)
class Table:
    """A data table (layout tables are unwrapped by the reader)."""

    head: list[Row] = field(default_factory=list)
    """Header rows (``thead``); repeated on every printed page."""
    body: list[Row] = field(default_factory=list)
    """Body rows."""
    foot: list[Row] = field(default_factory=list)
    """Footer rows."""
    caption: list[Inline] | None = None
    """The caption."""
    id: str = ""
    """Anchor."""
    line: int | None = field(default=None, compare=False, repr=False)
    """Source line (1-based) it was read from, for diagnostics; ignored by ``==``."""


@dataclass(slots=True)
class Preformatted:
    """Text whose line breaks and spacing matter (code listings)."""

    text: str
    """The text, verbatim."""
    code: bool = False
    """True for computer code."""
    language: str | None = None
    """Programming language of the code, if known."""
    line: int | None = field(default=None, compare=False, repr=False)
    """Source line (1-based) it was read from, for diagnostics; ignored by ``==``."""


@dataclass(slots=True)
class Rule:
    """A thematic break."""

    line: int | None = field(default=None, compare=False, repr=False)
    """Source line (1-based) it was read from, for diagnostics; ignored by ``==``."""


@dataclass(slots=True)
class Note:
    """A footnote or endnote of an article."""

    id: str
    """Anchor, unique within the article; :class:`NoteRef` points here."""
    children: list[Block] = field(default_factory=list)
    """The note's content."""
    label: str = ""
    """The visible marker (``1``, ``2`` ...)."""
    ref_ids: list[str] = field(default_factory=list)
    """Anchors of the references to this note, for links back."""
    line: int | None = field(default=None, compare=False, repr=False)
    """Source line (1-based) it was read from, for diagnostics; ignored by ``==``."""


Block = Paragraph | Heading | Section | List | DefinitionList | Quote | Figure | Table | Preformatted | Rule

# -------------------------------------------------------------------- metadata


@dataclass(slots=True)
class Creator:
    """A person or body responsible for a publication."""

    name: str
    """Display name."""
    role: Literal["author", "editor", "compiler", "translator", "contributor"] = "author"
    """Role, mapped onto MARC relator codes by the backends."""


@dataclass(slots=True)
class ArticleMeta:
    """What is known about an article, from its page and from the manifest."""

    title: str = ""
    """Title (manifest, else page metadata, else first heading, else file name)."""
    subtitle: str | None = None
    """Subtitle or standfirst."""
    authors: list[str] = field(default_factory=list)
    """Authors' names."""
    language: str | None = None
    """BCP 47 language of the article."""
    source_url: str | None = None
    """Where the article was published (canonical URL)."""
    site_name: str | None = None
    """The publishing site or publisher."""
    published: str | None = None
    """Publication date (ISO 8601)."""
    modified: str | None = None
    """Last modification date (ISO 8601)."""
    retrieved: str | None = None
    """When the article was retrieved (ISO 8601), from the manifest."""
    description: str | None = None
    """Short description."""
    editor_note: str | None = None
    """An editor's note for this article (Markdown source), from the manifest."""
    page_kind: str = ""
    """How the HTML reader took the page (``reader.state.PageKind``): ``"web page"`` when its
    article was located and the page furniture dropped, ``"export"`` or ``"document"`` when it
    was read whole as the article it already is, ``"whole page"`` when the article located came
    out empty and the page was read whole; "" for plain text."""


@dataclass(slots=True)
class Article:
    """One normalised article."""

    meta: ArticleMeta
    """Metadata."""
    blocks: list[Block] = field(default_factory=list)
    """Body content, in reading order."""
    notes: list[Note] = field(default_factory=list)
    """Footnotes, in order of first reference."""
    source: Path | None = None
    """The file it was read from."""
    slug: str = ""
    """File-name-safe identifier, unique within the publication."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """:class:`pubbuild.diagnostics.Diagnostic` raised while reading it."""
    editor_note_blocks: list[Block] = field(default_factory=list)
    """The editor's note (``meta.editor_note``, Markdown) as blocks: parsed once, when the
    publication is assembled (:func:`pubbuild.assemble.matter.add_pack_matter`), not per backend."""


@dataclass(slots=True)
class PublicationMeta:
    """What the manifest says about the publication."""

    title: str
    """Title."""
    language: str
    """BCP 47 language of the publication."""
    subtitle: str | None = None
    """Subtitle."""
    creators: list[Creator] = field(default_factory=list)
    """Authors, editors, compilers."""
    publisher: str | None = None
    """Publisher."""
    date: str | None = None
    """Publication date (ISO 8601)."""
    identifier: str = ""
    """Unique identifier (``urn:uuid:...``); derived stably when not given."""
    description: str | None = None
    """Description."""
    rights: str | None = None
    """Rights statement."""
    subjects: list[str] = field(default_factory=list)
    """Subjects or keywords."""
    certifier: str | None = None
    """Who certifies the accessibility conformance claim, if anyone."""
    certifier_credential: str | None = None
    """The certifier's credential (``accessibility: credential:``), if given."""
    cover: Path | None = None
    """Cover image given by the manifest."""
    modified: str = ""
    """Build timestamp (``YYYY-MM-DDThh:mm:ssZ``) from SOURCE_DATE_EPOCH or the date."""


@dataclass(slots=True)
class Publication:
    """A whole publication: metadata and articles, ready for a backend."""

    meta: PublicationMeta
    """Metadata."""
    articles: list[Article] = field(default_factory=list)
    """Articles in reading order."""
    root: Path = field(default_factory=Path.cwd)
    """The project folder; nothing outside it is read."""
    slug: str = "publication"
    """Base name of the output files."""
    parts: list[Part] = field(default_factory=list)
    """Parts grouping the articles (empty when the manifest has none)."""
    introduction: list[Block] = field(default_factory=list)
    """The editor's introduction to the whole publication (from Markdown)."""
    front_matter: list[Matter] = field(default_factory=list)
    """Generated sections before the articles, in order (see :mod:`pubbuild.assemble.matter`);
    the cover, title page and table of contents stay the backends' own."""
    back_matter: list[Matter] = field(default_factory=list)
    """Generated sections after the articles, in order (list of sources, colophon)."""
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Each backend's own manifest section (``pdf:`` ...) as the manifest checked it,
    by section name; the backend that declared the section reads it."""
    fonts: tuple[ProjectFont, ...] = ()
    """The project's own fonts (the manifest's ``fonts:``), tried before the shipped ones."""

# ------------------------------------------------------------ packs (issue 6)
#
# A briefing pack groups its articles into parts and adds generated front and
# back matter.  These nodes are additive: a backend that ignores them still
# renders every article from ``Publication.articles``.


@dataclass(slots=True)
class Part:
    """A titled group of articles (``parts:`` in the manifest)."""

    title: str
    """The part's title."""
    introduction: list[Block] = field(default_factory=list)
    """The part's introduction (from Markdown), shown before its first article."""
    articles: list[Article] = field(default_factory=list)
    """The part's articles, the same objects as in ``Publication.articles``, in order."""
    id: str = ""
    """Anchor / file stem, unique within the publication (``part-1`` ...)."""


@dataclass(slots=True)
class Matter:
    """A generated front- or back-matter section (about this pack, sources, colophon ...).

    Backends render ``blocks`` through the shared writer under an ``h1`` holding
    ``title``, with ``epub_type``/``role`` on the section element; ``id`` is the
    anchor and the EPUB content document's file stem.
    """

    id: str
    """Anchor and file stem (``about``, ``accessibility``, ``sources``, ``colophon`` ...)."""
    title: str
    """Heading shown above the content and used in the table of contents."""
    blocks: list[Block] = field(default_factory=list)
    """The content, as ordinary model blocks."""
    epub_type: str | None = None
    """EPUB structural semantics for the section (``preface``, ``colophon`` ...)."""
    role: str | None = None
    """DPUB-ARIA role for the section (``doc-colophon`` ...), if one fits."""


@dataclass(slots=True, frozen=True)
class ProjectFont:
    """A ``fonts:`` entry: a font file inside the project that the PDF may print with."""

    file: Path
    """Absolute path of the font file (TrueType or OpenType), inside the project."""
    lang: tuple[str, ...] = ()
    """Languages whose text prefers this font; empty: a fallback for any text."""
    weight: str = "normal"
    """``normal`` or ``bold``."""
    style: str = "normal"
    """``normal`` or ``italic``."""
