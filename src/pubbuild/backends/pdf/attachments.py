"""The original sources as associated files of the archival PDF (PDF/A-3).

PDF/A-3 lets a PDF carry the files it was made from, each an embedded file
with its media type (``/Subtype``) and dates (``/Params``), listed in the
catalog's ``/AF`` with ``/AFRelationship /Source``.  WeasyPrint writes all of
that from :class:`weasyprint.Attachment` objects; this module makes them so the
bytes depend on the inputs only: the media type from the file's suffix (handed
over as a ``data:`` URL, so WeasyPrint never consults the system's mime.types)
and both dates from the publication's timestamp (SOURCE_DATE_EPOCH, else the
manifest's date), never from the file system.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime

from ...errors import BuildError
from ...model import Publication
from ...originals import media_type, original_files

#: How each attached file relates to the PDF (ISO 32000-2, 7.11.3).
RELATIONSHIP = "Source"


def _stamp(modified: str) -> datetime:
    try:
        return datetime.strptime(modified, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return datetime(1970, 1, 1, tzinfo=UTC)


def source_attachments(pub: Publication) -> tuple[list, str]:
    """One :class:`weasyprint.Attachment` per original file of ``pub``, in path order,
    and a digest of their names and contents (for the PDF's identifier)."""
    from weasyprint import Attachment

    when = _stamp(pub.meta.modified)
    out = []
    digest = hashlib.sha256()
    for rel, path in original_files(pub).items():
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise BuildError(f"{rel}: cannot read the original to attach it: {exc.strerror}") from None
        url = f"data:{media_type(rel)};base64,{base64.b64encode(data).decode('ascii')}"
        attachment = Attachment(url=url, name=rel, description=f"Original source: {rel}",
                                created=when, modified=when, relationship=RELATIONSHIP)
        digest.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
        out.append(attachment)
    return out, digest.hexdigest() if out else ""


def tidy_associated_files(pdf) -> None:
    """List each associated file once in the catalog's ``/AF`` (a ``finisher`` step on
    WeasyPrint's in-memory PDF): WeasyPrint 70 adds every file specification twice,
    once from the EmbeddedFiles name tree and once from the objects."""
    af = pdf.catalog.get("AF")
    if not af:
        return
    seen: list = []
    for ref in af:
        if ref not in seen:
            seen.append(ref)
    af[:] = seen
