"""The PDF's XMP metadata, written whole by us.

WeasyPrint 70 writes one identification (PDF/UA *or* PDF/A), spreads its XMP
over several ``rdf:Description`` elements and never declares the ``pdfuaid``
schema that PDF/A requires for a namespace it does not predefine.  We write
one packet that identifies the file as PDF/UA-1 (and PDF/A-3 when archival),
declares the ``pdfuaid`` extension schema, and mirrors the document
information dictionary exactly, as PDF/A requires.
"""

from __future__ import annotations

import uuid
from html import escape

from ...facts import ContentFacts, plural, schema_properties, statement
from ...model import Publication

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
    "schema": "http://schema.org/",
}

#: The schema.org accessibility properties the XMP carries, as PDF/A's extension schema
#: declares them (a namespace PDF/A does not predefine must be described).
_SCHEMA_PROPERTIES = (
    ("accessMode", "bag Text", "Ways of perceiving the content"),
    ("accessModeSufficient", "bag Text", "Sets of access modes sufficient for the whole content"),
    ("accessibilityFeature", "bag Text", "Accessibility features of the content"),
    ("accessibilityHazard", "bag Text", "Hazards of the content"),
    ("accessibilitySummary", "Text", "What the content offers a reader who cannot see it"),
)

_PDFUA_SCHEMA = """<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li>
<rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>schema.org accessibility properties</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://schema.org/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>schema</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq>
""" + "".join(
    "<rdf:li rdf:parseType=\"Resource\">\n"
    f"<pdfaProperty:name>{name}</pdfaProperty:name>\n"
    f"<pdfaProperty:valueType>{kind}</pdfaProperty:valueType>\n"
    "<pdfaProperty:category>external</pdfaProperty:category>\n"
    f"<pdfaProperty:description>{what}</pdfaProperty:description>\n</rdf:li>\n"
    for name, kind, what in _SCHEMA_PROPERTIES) + """</rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
"""


def _alt(value: str) -> str:
    return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(value)}</rdf:li></rdf:Alt>'


def _bag(values: list[str], kind: str = "Bag") -> str:
    return f"<rdf:{kind}>" + "".join(f"<rdf:li>{escape(v)}</rdf:li>" for v in values) + f"</rdf:{kind}>"


def accessibility_summary(pub: Publication, facts: ContentFacts) -> str:
    """The PDF's accessibility summary: the print edition's own lead, then the sentences
    the book's Accessibility page and the EPUB's summary also say."""
    lead = (f"This publication contains {plural(facts.articles, 'article')} as tagged PDF "
            "(PDF/UA-1), with bookmarks for a table of contents; the tags give each heading, "
            "list, table and figure, and the reading order follows the original sources.")
    return " ".join([lead, *statement(pub, facts)])


def accessibility(pub: Publication, facts: ContentFacts) -> list[str]:
    """The schema.org accessibility properties as XMP elements."""
    grouped: dict[str, list[str]] = {}
    for prop, value in schema_properties(facts, ["taggedPDF"]):
        grouped.setdefault(prop, []).append(value)
    out = [f"<{prop}>{_bag(values)}</{prop}>" for prop, values in grouped.items()]
    out.append(f"<schema:accessibilitySummary>{escape(accessibility_summary(pub, facts))}"
               "</schema:accessibilitySummary>")
    return out


def packet(pub: Publication, info: dict[str, str], identifier: str, archival: bool,
           facts: ContentFacts | None = None) -> bytes:
    """The XMP packet.  ``info`` holds the document information entries as
    WeasyPrint wrote them (Title, Author, Subject, Keywords, Creator, Producer);
    ``facts``, what the PDF contains, gives its accessibility properties."""
    m = pub.meta
    doc_id = uuid.uuid5(uuid.NAMESPACE_URL, "pubbuild:" + m.identifier)
    instance = uuid.uuid5(uuid.NAMESPACE_URL, "pubbuild:" + identifier)
    xmlns = " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items() if k != "rdf")
    p = [f'<rdf:Description rdf:about="" {xmlns}>', "<dc:format>application/pdf</dc:format>"]
    if info.get("Title"):
        p.append(f"<dc:title>{_alt(info['Title'])}</dc:title>")
    if info.get("Author"):  # one entry, equal to /Author, as PDF/A requires
        p.append(f"<dc:creator>{_bag([info['Author']], 'Seq')}</dc:creator>")
    if info.get("Subject"):
        p.append(f"<dc:description>{_alt(info['Subject'])}</dc:description>")
    if m.subjects:
        p.append(f"<dc:subject>{_bag(m.subjects)}</dc:subject>")
    p.append(f"<dc:language>{_bag([m.language])}</dc:language>")
    if m.publisher:
        p.append(f"<dc:publisher>{_bag([m.publisher])}</dc:publisher>")
    if m.rights:
        p.append(f"<dc:rights>{_alt(m.rights)}</dc:rights>")
    p.append(f"<dc:identifier>{escape(m.identifier)}</dc:identifier>")
    if info.get("Keywords"):
        p.append(f"<pdf:Keywords>{escape(info['Keywords'])}</pdf:Keywords>")
    p.append(f"<pdf:Producer>{escape(info.get('Producer', ''))}</pdf:Producer>")
    if info.get("Creator"):
        p.append(f"<xmp:CreatorTool>{escape(info['Creator'])}</xmp:CreatorTool>")
    for key in ("CreateDate", "ModifyDate", "MetadataDate"):
        p.append(f"<xmp:{key}>{m.modified}</xmp:{key}>")
    p.append(f"<xmpMM:DocumentID>uuid:{doc_id}</xmpMM:DocumentID>")
    p.append(f"<xmpMM:InstanceID>uuid:{instance}</xmpMM:InstanceID>")
    p.append("<pdfuaid:part>1</pdfuaid:part>")
    if facts is not None:
        p += accessibility(pub, facts)
    if archival:
        p.append("<pdfaid:part>3</pdfaid:part><pdfaid:conformance>A</pdfaid:conformance>")
        p.append(_PDFUA_SCHEMA)
    p.append("</rdf:Description>")
    body = "\n".join(p)
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
            f'<rdf:RDF xmlns:rdf="{NS["rdf"]}">\n{body}\n</rdf:RDF>\n</x:xmpmeta>\n'
            '<?xpacket end="r"?>').encode()


def install(pdf, pub: Publication, identifier: str, archival: bool,
            facts: ContentFacts | None = None) -> None:
    """Replace the metadata stream of a pydyf PDF with :func:`packet`."""
    from pydyf import Stream

    info = {}
    for key, value in pdf.info.items():
        info[key] = getattr(value, "string", value)
    data = packet(pub, {k: str(v) for k, v in info.items()}, identifier, archival, facts)
    # Metadata stays unfiltered so that any tool (and PDF/A) can read it as is.
    stream = Stream([data], {"Type": "/Metadata", "Subtype": "/XML"}, compress=False)
    if "Metadata" in pdf.catalog:
        old = pdf.objects[int(bytes(pdf.catalog["Metadata"]).split()[0])]
        old.stream, old.extra, old.compress = stream.stream, stream.extra, False
    else:
        pdf.add_object(stream)
        pdf.catalog["Metadata"] = stream.reference
