"""ebooklib's EPUB writer with the defects of ebooklib 0.20 worked around.

- the package element gets ``xml:lang`` and ``dir`` (ebooklib writes neither);
- ``spine toc="ncx"`` only when there is an NCX, and ``page-progression-direction``
  for right-to-left books;
- every zip entry carries one fixed timestamp and fixed permissions (ebooklib
  stamps them with the local clock), ``mimetype`` first and stored;
- the ``generator`` meta names pubbuild;
- write errors are raised, never swallowed (``raise_exceptions``), and the
  backend turns them into a :class:`~pubbuild.errors.BuildError`.

Content documents are added as raw :class:`ebooklib.epub.EpubItem` objects so
ebooklib does not rebuild them (it would drop attributes of ``html`` and
``body``), and the nav and NCX are our own, so ebooklib's page list (every
element with an ``epub:type`` and an ``id``) never appears.
"""

from __future__ import annotations

import datetime as _dt
import zipfile

from ebooklib import epub
from lxml import etree

from ... import __version__

OPF_NS = "http://www.idpf.org/2007/opf"


def set_generator(book: epub.EpubBook) -> None:
    """Replace ebooklib's generator meta with pubbuild's (stable across builds)."""
    book.metadata.setdefault(OPF_NS, {})["generator"] = [
        ("", {"name": "generator", "content": f"pubbuild {__version__}"})]


class DeterministicEpubWriter(epub.EpubWriter):
    """Writes the book byte-identically for identical inputs."""

    def __init__(self, name: str, book: epub.EpubBook, options: dict, direction: str = "ltr") -> None:
        super().__init__(name, book, options)
        self.direction = direction

    def write(self) -> None:
        stamp = self.options["mtime"].timetuple()[:6]
        self.out = FixedZip(self.file_name, stamp)
        try:
            self.out.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
            self._write_container()
            self._write_opf()
            self._write_items()
        finally:
            self.out.close()

    def _write_opf_file(self, root) -> None:
        if self.book.language:
            root.set("{http://www.w3.org/XML/1998/namespace}lang", self.book.language)
        root.set("dir", self.direction)
        super()._write_opf_file(root)

    def _write_opf_spine(self, root, ncx_id) -> None:
        ncx = next((i.id for i in self.book.get_items()
                    if i.media_type == "application/x-dtbncx+xml"), None)
        attrs = {"toc": ncx} if ncx else {}
        if self.direction == "rtl":
            attrs["page-progression-direction"] = "rtl"
        spine = etree.SubElement(root, "spine", attrs)
        for item in self.book.spine:
            etree.SubElement(spine, "itemref", {"idref": item.get_id()})


class FixedZip(zipfile.ZipFile):
    """A zip whose entries carry one fixed timestamp and fixed permissions."""

    def __init__(self, name: str, stamp: tuple) -> None:
        super().__init__(name, "w", zipfile.ZIP_DEFLATED, compresslevel=9)
        self._stamp = max(stamp, (1980, 1, 1, 0, 0, 0))  # the zip format starts in 1980

    def writestr(self, name, data, compress_type=None, compresslevel=None):
        if isinstance(name, zipfile.ZipInfo):
            name = name.filename
        info = zipfile.ZipInfo(name, date_time=self._stamp)
        info.compress_type = zipfile.ZIP_DEFLATED if compress_type is None else compress_type
        info.external_attr = 0o644 << 16
        info.create_system = 3
        super().writestr(info, data, compresslevel=compresslevel)


def parse_stamp(stamp: str) -> _dt.datetime:
    """``YYYY-MM-DDThh:mm:ssZ`` (UTC) as a naive datetime, which ebooklib formats as is."""
    return _dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")
