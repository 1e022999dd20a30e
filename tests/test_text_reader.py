"""Plain text read fully: a post saved as text loses its comment section, comment form and
sharing prompts, and its "Term: description" lines and colon lines become the same lists and
headings as the HTML version of the same post gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from pubbuild.model import Heading, List, Section
from pubbuild.reader import read_file
from pubbuild.reader.text import read_text
from pubbuild.textutil import block_text, walk_blocks

ROOT = Path(__file__).resolve().parents[1]
SEED = Path("/work/shared/seed/000_dee8a96ae6b59892.txt")

INTRO = ("The harbour committee met on Tuesday to discuss the repairs to the northern quay, which "
         "storms damaged last winter, and agreed a timetable for the work that starts in June.")
TERMS = [("Dredging", "The channel is dredged first, so that the barges can reach the quay."),
         ("Stonework", "The masons replace the broken facing stones along the whole wall."),
         ("Lighting", "New lamps are fitted once the stonework is finished and inspected."),
         ("Opening", "The quay opens again to the fishing fleet at the end of the summer.")]
AFTER = ("The committee will publish its minutes next week, and residents may send their "
         "questions to the harbour office until the end of the month.")

HTML = ("<!DOCTYPE html><html lang='en'><head><title>Quay repairs agreed</title></head><body>"
        "<article><h1>Quay repairs agreed</h1>"
        f"<p>{INTRO}</p><p>Timetable for the Repairs:</p><p>{INTRO}</p>"
        + "".join(f"<p>{t}: {d}</p>" for t, d in TERMS)
        + f"<p>Next Steps for the Committee:</p><p>{AFTER}</p></article>"
        "<div class='comments'><h3>Leave a Reply</h3><form><p>Your email address will not be "
        "published. Required fields are marked *</p></form></div></body></html>")

TEXT = ("Quay repairs agreed\n\n"
        f"{INTRO}\n\nTimetable for the Repairs:\n\n{INTRO}\n\n"
        + "\n".join(f"{t}: {d}" for t, d in TERMS[:2]) + "\n\n"
        + "\n".join(f"{t}: {d}" for t, d in TERMS[2:]) + "\nNext Steps for the Committee:\n\n"
        f"{AFTER}\n\nShare this:\n\nLeave a Reply\n\nYour email address will not be published. "
        "Required fields are marked *\n\nComment *\n\nName *\n")


def outline(path: Path) -> list:
    """Headings and list items of a source as read (with the passes)."""
    article = read_file(path, path.parent, None)
    out = []
    for b in walk_blocks(article.blocks):
        if isinstance(b, Section):
            out.append(("heading", block_text([b.heading])))
        elif isinstance(b, Heading):
            out.append(("heading", block_text([b])))
        elif isinstance(b, List):
            out.append(("list", [block_text(i.children) for i in b.items]))
    return out


def test_text_gives_the_html_versions_headings_and_lists(tmp_path):
    (tmp_path / "post.html").write_text(HTML)
    (tmp_path / "post.txt").write_text(TEXT)
    expected = outline(tmp_path / "post.html")
    assert expected[0] == ("heading", "Timetable for the Repairs") and len(expected[1][1]) == 4
    assert outline(tmp_path / "post.txt") == expected


def test_comment_section_and_prompts_go(tmp_path):
    (tmp_path / "post.txt").write_text(TEXT)
    article = read_file(tmp_path / "post.txt", tmp_path, None)
    text = block_text(article.blocks)
    for furniture in ("Leave a Reply", "email address", "Share this", "Name *", "Comment *"):
        assert furniture not in text
    assert AFTER in text
    assert "S003" in [d.code for d in article.diagnostics]


def test_a_comment_heading_ends_the_article_only_in_its_second_half():
    early = read_text(f"On replies\n\nLeave a reply\n\n{INTRO}\n\n{AFTER}\n\n{INTRO}\n", None, None, [])
    assert block_text(early.blocks).startswith("Leave a reply") and AFTER in block_text(early.blocks)
    late = read_text(f"On replies\n\n{INTRO}\n\n{AFTER}\n\nLeave a reply\n\n{INTRO}\n", None, None, [])
    assert block_text(late.blocks).endswith(AFTER)


def test_wrapped_prose_stays_one_paragraph(tmp_path):
    (tmp_path / "w.txt").write_text("Title\n\nThe quay was built in 1850 and\nrepaired in 1902: the "
                                    "stones came\nfrom the quarry up the valley.\n")
    article = read_file(tmp_path / "w.txt", tmp_path, None)
    assert len(article.blocks) == 1


@pytest.mark.skipif(not SEED.is_file(), reason="the project's seed is not on this machine")
def test_the_seed_as_text_matches_the_samples_html_version():
    assert outline(SEED) == outline(ROOT / "sources" / "artsakh-ceasefire.html")
