"""The fonts the PDF uses: shipped faces, a project's ``fonts:``, their cascade and coverage.

The PDF uses these faces only, so it looks the same on every machine.  A
character none of them covers would otherwise be drawn from whatever system
font happens to have it (or as an empty box), so :func:`gaps` finds such
characters before layout and the backend reports them, grouped by script (A007).

The cascade, per character (CSS ``font-family`` lists, which Pango follows glyph
by glyph): the project's fonts for the passage's language (``fonts:`` entries with
``lang``), the house serif (Latin, Greek, Cyrillic), the project's other fonts, the
shipped script faces (Armenian, Arabic, Hebrew, Devanagari, Thai, Georgian,
Ethiopic; Korean before Chinese and Japanese in Korean text, after them elsewhere),
then DejaVu Sans for symbols.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ...resources import fonts_dir

#: The fonts folder shipped as package data (``pubbuild/data/fonts``).
FONTS = fonts_dir()

#: The fontconfig configuration of every layout: no font folder, so fontconfig finds only
#: the ``@font-face`` fonts declared (see the file for the fallback of an unknown family).
FONTCONFIG = FONTS / "fonts.conf"

STYLES = (("normal", "normal"), ("normal", "italic"), ("bold", "normal"), ("bold", "italic"))


@dataclass(slots=True, frozen=True)
class Face:
    """One ``@font-face`` rule."""

    family: str
    """CSS family name (ours, so no system font of the same name interferes)."""
    file: str
    """Path under ``fonts/`` (shipped), or an absolute path (a project's ``fonts:``)."""
    weight: str = "normal"
    """``normal`` or ``bold``."""
    style: str = "normal"
    """``normal`` or ``italic``."""
    unicode_range: str | None = None
    """Restricts the face to some characters (unused by the shipped faces)."""

    @property
    def path(self) -> Path:
        """The font file on disk."""
        return FONTS / self.file


def family(name: str, regular: str, bold: str | None = None, italic: str | None = None,
           bold_italic: str | None = None) -> tuple[Face, ...]:
    """The four faces of ``name``; a style the font lacks is declared with the nearest file
    it has (italic -> upright, bold -> regular), so that no renderer synthesises a slant or
    an emboldening of its own (which would vary by machine)."""
    files = {("normal", "normal"): regular, ("normal", "italic"): italic or regular,
             ("bold", "normal"): bold or regular,
             ("bold", "italic"): bold_italic or bold or italic or regular}
    return tuple(Face(name, files[(w, s)], weight=w, style=s) for w, s in STYLES)


def _noto(name: str, stem: str) -> tuple[Face, ...]:
    return family(name, f"noto/{stem}-Regular.ttf", f"noto/{stem}-Bold.ttf")


#: Every shipped face.  See fonts/README.md for where each comes from and why.
FACES: tuple[Face, ...] = (
    *family("PB Serif", "noto/NotoSerif-Regular.ttf", "noto/NotoSerif-Bold.ttf",
            "noto/NotoSerif-Italic.ttf", "noto/NotoSerif-BoldItalic.ttf"),
    # The script faces have no italic: the upright face is declared as the italic.
    *_noto("PB Armenian", "NotoSerifArmenian"),
    *_noto("PB Arabic", "NotoNaskhArabic"),
    *_noto("PB Hebrew", "NotoSerifHebrew"),
    *_noto("PB Devanagari", "NotoSerifDevanagari"),
    *_noto("PB Thai", "NotoSerifThai"),
    *_noto("PB Georgian", "NotoSerifGeorgian"),
    *_noto("PB Ethiopic", "NotoSerifEthiopic"),
    # Hangul: Nanum Myeongjo (a serif, like the text face).
    *family("PB Korean", "nanum/NanumMyeongjo.ttf", "nanum/NanumMyeongjoBold.ttf"),
    # Han ideographs, kana, bopomofo and full-width forms: one compact pan-CJK face with no
    # bold (headings stay upright regular rather than smeared by a synthetic bold).
    *family("PB CJK", "droid/DroidSansFallbackFull.ttf"),
    *family("PB Mono", "dejavu/DejaVuSansMono.ttf", "dejavu/DejaVuSansMono-Bold.ttf",
            "dejavu/DejaVuSansMono-Oblique.ttf", "dejavu/DejaVuSansMono-BoldOblique.ttf"),
    # Last resort for arrows, symbols and rarer letters the serif lacks.
    *family("PB Symbols", "dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf"),
)

#: Generic family names (as SVG images use them) -> the shipped family standing in, so
#: that text inside images also uses shipped fonts, not whatever the machine has.
GENERIC = {"serif": "PB Serif", "sans-serif": "PB Symbols", "monospace": "PB Mono"}

#: The shipped script families, in fallback order after the serif (outside Korean text).
SCRIPTS = ("PB Armenian", "PB Arabic", "PB Hebrew", "PB Devanagari", "PB Thai", "PB Georgian",
           "PB Ethiopic", "PB CJK", "PB Korean")

#: Languages whose text prefers another order of the shipped CJK faces: the Korean face's
#: punctuation and hanja in Korean text; the pan-CJK face's elsewhere.
LANGUAGE_ORDER = {"ko": ("PB Korean", "PB CJK")}


def _stack(names) -> str:
    return ", ".join(f'"{n}"' for n in names)


def text_families(project: tuple[str, ...] = (), lang: str | None = None,
                  preferred: tuple[str, ...] = ()) -> list[str]:
    """The family list for running text: ``preferred`` (a project's fonts for this language),
    the serif, ``project`` (its other fonts), the script faces, the symbols."""
    scripts = list(SCRIPTS)
    if lang in LANGUAGE_ORDER:
        first = LANGUAGE_ORDER[lang]
        scripts = [s for s in scripts if s not in first]
        scripts[scripts.index("PB Ethiopic") + 1:scripts.index("PB Ethiopic") + 1] = first
    return [*preferred, "PB Serif", *project, *scripts, "PB Symbols"]


#: The family lists as CSS, for the house stylesheet's rules (and SVG covers).
TEXT_STACK = _stack(text_families())
MONO_STACK = _stack(["PB Mono", *text_families()])


@dataclass(slots=True, frozen=True)
class FontSet:
    """The faces a publication prints with: the shipped ones and its project's ``fonts:``."""

    project: tuple[Face, ...] = ()
    """The project's faces (absolute paths), one family per ``lang`` set."""
    langs: tuple[tuple[str, str], ...] = ()
    """(language tag, project family) for the ``fonts:`` entries that name languages."""

    @property
    def faces(self) -> tuple[Face, ...]:
        return self.project + FACES

    def css(self, text: str | None = None) -> str:
        """``@font-face`` rules, then the ``font-family`` of text and code, per language.

        With ``text``, only the shipped script faces that draw some character of it are
        declared: WeasyPrint copies and registers every declared face before layout (the
        CJK faces are 4 MB each), and an undeclared one could draw nothing here anyway."""
        faces = self.faces if text is None else self.needed(text)
        names = {f.family for f in faces}
        out = []
        for face in faces:
            src = face.path.as_uri()
            for name in [face.family] + [g for g, f in GENERIC.items() if f == face.family]:
                out.append(f'@font-face {{ font-family: "{name}"; src: url("{src}"); '
                           f"font-weight: {face.weight}; font-style: {face.style}; }}")
        general = tuple(dict.fromkeys(f.family for f in self.project
                                      if f.family not in {fam for _, fam in self.langs}))
        code = "code, kbd, samp, pre, var"
        rules = [("html", text_families(general)), (code, ["PB Mono", *text_families(general)])]
        tags = dict.fromkeys([*LANGUAGE_ORDER, *(tag for tag, _ in self.langs)])
        for tag in tags:
            mine = tuple(fam for t, fam in self.langs if t == tag)
            families = text_families(general, tag.split("-")[0].lower(), mine)
            # :lang() outranks the plain element rules, so code needs its own rule here.
            rules += [(f":lang({tag})", families),
                      (", ".join(f":lang({tag}) {c}" for c in code.split(", ")), ["PB Mono", *families])]
        out += [f"{sel} {{ font-family: {_stack([f for f in fams if f in names])}; }}"
                for sel, fams in rules]
        return "\n".join(out) + "\n"

    def needed(self, text: str) -> tuple[Face, ...]:
        """The faces minus the shipped script families that cover no character of ``text``
        beyond what the serif covers (most of them have spaces, digits and punctuation)."""
        points = {ord(ch) for ch in set(text)} - _covered((str(FONTS / _regular("PB Serif")),))
        skip = {name for name in SCRIPTS
                if not points & _covered((str(FONTS / _regular(name)),))}
        return tuple(f for f in self.faces if f.family not in skip)

    def covered(self) -> frozenset[int]:
        """Code points some regular face (shipped or the project's) has a glyph for."""
        return _covered(tuple(sorted({str(f.path) for f in self.faces
                                      if (f.weight, f.style) == ("normal", "normal")})))


def project_fonts(entries) -> FontSet:
    """The :class:`FontSet` for a manifest's ``fonts:`` entries
    (:class:`pubbuild.model.ProjectFont`); entries with the same languages form one family."""
    groups: dict[tuple[str, ...], dict[tuple[str, str], str]] = {}
    for entry in entries:
        groups.setdefault(tuple(entry.lang), {}).setdefault((entry.weight, entry.style),
                                                            str(entry.file))
    faces: list[Face] = []
    langs: list[tuple[str, str]] = []
    for n, (tags, files) in enumerate(groups.items(), 1):
        name = f"PB Project {_letters(n)}"
        regular = files.get(("normal", "normal")) or next(iter(files.values()))
        faces += family(name, regular, files.get(("bold", "normal")), files.get(("normal", "italic")),
                        files.get(("bold", "italic")))
        langs += [(tag, name) for tag in tags]
    return FontSet(tuple(faces), tuple(langs))


def _letters(n: int) -> str:
    # A family name ending in a number reads as a size to Pango ("PB Project 1": size 1).
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


SHIPPED = FontSet()


def font_configuration():
    """A WeasyPrint ``FontConfiguration`` that knows no font of the machine.

    WeasyPrint's starts from the system's fontconfig set-up, so text asking for a family
    pubbuild does not declare (an SVG chart's ``font-family="DejaVu Sans"`` or ``Arial``, a
    project stylesheet's ``Georgia``) was set in whatever font the machine had under that
    name or its substitute: bytes that differ from machine to machine, and a font embedded
    that nobody chose.  fontconfig reads ``FONTCONFIG_FILE`` when a configuration is
    loaded, so it names :data:`FONTCONFIG` while this one is (and is put back after; the
    lock keeps two threads, as a Dask worker runs them, from putting back each other's)."""
    from weasyprint.text.fonts import FontConfiguration

    _settle_process_configuration()
    with _ENVIRONMENT:
        saved = os.environ.get("FONTCONFIG_FILE")
        os.environ["FONTCONFIG_FILE"] = str(FONTCONFIG)
        try:
            return FontConfiguration()
        finally:
            if saved is None:
                del os.environ["FONTCONFIG_FILE"]
            else:
                os.environ["FONTCONFIG_FILE"] = saved


_ENVIRONMENT = threading.Lock()
logger = logging.getLogger(__name__)


@functools.cache
def _settle_process_configuration() -> None:
    """Have fontconfig set up the process's own configuration now, from the environment as the
    user left it.  fontconfig makes it the first time something asks for it (Pango does, for
    its default substitutions), from ``FONTCONFIG_FILE`` as it is at that moment: if that
    moment fell inside :func:`font_configuration`'s swap, the process kept pubbuild's
    configuration, and WeasyPrint used bare later in the same process (a host application,
    a test) set ``serif`` in whatever font sorted first (measured: DejaVu Math TeX Gyre
    instead of DejaVu Serif).  WeasyPrint's bindings do not declare the call, so it goes
    through ctypes to the same shared library (one library, one configuration)."""
    try:
        library = ctypes.CDLL("libfontconfig.so.1")
    except OSError:  # another platform's name: WeasyPrint found it, the swap still works
        logger.debug("fontconfig not found by ctypes; the process configuration is left to chance")
        return
    library.FcConfigGetCurrent.restype = ctypes.c_void_p
    library.FcConfigGetCurrent()


def _regular(family_name: str) -> str:
    return next(f.file for f in FACES if f.family == family_name and f.weight == f.style == "normal")


def font_face_css() -> str:
    """The shipped faces' rules (a publication without ``fonts:``)."""
    return SHIPPED.css()


@functools.lru_cache(maxsize=8)
def _covered(files: tuple[str, ...]) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    points: set[int] = set()
    for file in files:
        with TTFont(file, lazy=True, fontNumber=0) as font:
            # Only the code points are wanted: placeholder glyph names spare fontTools naming
            # every glyph (from the post table or the cmap) before it reads the cmap, most of
            # the time on the CJK faces (0.04 s instead of 0.13 s for the shipped faces).
            font.setGlyphOrder([f"g{n}" for n in range(font["maxp"].numGlyphs)])
            points.update(font.getBestCmap())
    return frozenset(points)


def covered() -> frozenset[int]:
    """Code points some regular shipped face has a glyph for."""
    return SHIPPED.covered()


def _ignorable(ch: str) -> bool:
    # Controls, format characters (soft hyphen, joiners, marks of direction) and
    # variation selectors draw nothing, so no font needs them.
    cat = unicodedata.category(ch)
    return cat in ("Cc", "Cf", "Zl", "Zp") or 0xFE00 <= ord(ch) <= 0xFE0F or ch in " \u00a0"


def uncovered(text: str, fontset: FontSet = SHIPPED) -> list[str]:
    """Characters of ``text`` no face of ``fontset`` covers, in code point order."""
    have = fontset.covered()
    return sorted((ch for ch in set(text) if ord(ch) not in have and not _ignorable(ch)), key=ord)


def script_of(ch: str) -> str:
    """The Unicode script name of ``ch`` (``Hangul``, ``Tibetan``; ``Common`` for symbols)."""
    from fontTools import unicodedata as ucd

    return ucd.script_name(ucd.script(ch))


def gaps(text: str, fontset: FontSet = SHIPPED) -> dict[str, list[str]]:
    """Uncovered characters of ``text`` by script name, scripts in order of first code point."""
    out: dict[str, list[str]] = {}
    for ch in uncovered(text, fontset):
        out.setdefault(script_of(ch), []).append(ch)
    return out


def remedy(script: str) -> str:
    """What to add to the manifest so that ``script`` prints."""
    if script in ("Common", "Inherited", "Unknown"):
        hint = "a font with these symbols, such as Noto Sans Symbols 2 or Noto Emoji"
    else:
        hint = f"a font for {script}, such as Noto Serif {script} or Noto Sans {script}"
    return (f"add {hint} to the project and name it in the manifest: "
            "`fonts: [{file: fonts/FILE.ttf}]` (Debian's fonts-noto-* packages and npm's "
            "@fontsource/noto-* ship them)")


def describe(ch: str) -> str:
    """``U+1F600 GRINNING FACE`` for a character."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}"
