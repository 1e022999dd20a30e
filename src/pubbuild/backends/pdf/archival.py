"""The archival PDF of a deposit: what ``pubbuild deposit`` checks before it bags the PDF."""

from __future__ import annotations

from pathlib import Path

from ...errors import BuildError
from ...model import Publication


def check_archival_pdf(path: Path, pub: Publication, originals: dict[str, Path],
                       notes: list[str]) -> None:
    """Make sure the PDF in the bag is what the README promises: PDF/A-3 that keeps its
    PDF/UA-1 identification and carries every original file as an associated file
    (``/AF``, relationship ``Source``) with its exact bytes."""
    import pikepdf

    problems: list[str] = []
    with pikepdf.open(path) as pdf:
        with pdf.open_metadata() as xmp:
            part, ua = xmp.get("pdfaid:part"), xmp.get("pdfuaid:part")
        if str(part) != "3" or str(ua) != "1":
            problems.append(f"declares PDF/A part {part or 'none'} and PDF/UA part {ua or 'none'}, "
                            "not PDF/A-3 and PDF/UA-1")
        associated = {str(spec.get("/UF", spec.get("/F", ""))): spec
                      for spec in pdf.Root.get("/AF", [])}
        for rel, src in originals.items():
            spec = associated.get(rel)
            if spec is None:
                problems.append(f"does not carry {rel}")
            elif spec.get("/AFRelationship") != pikepdf.Name.Source:
                problems.append(f"carries {rel} without the relationship Source")
            elif spec.EF.F.read_bytes() != src.read_bytes():
                problems.append(f"carries {rel} with other bytes than the original")
    if problems:
        raise BuildError(f"{path.name}: the archival PDF is not what the deposit needs",
                         [f"{path.name}: {p}" for p in problems])
    notes.append(f"{path.name} is PDF/A-3a and PDF/UA-1; it carries the {len(originals)} original source "
                 "files as associated files (relationship Source), at their paths in the project.")
