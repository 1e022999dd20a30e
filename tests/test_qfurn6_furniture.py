"""Furniture rules widened in the seventh round: a forum's lines about a poster, a date left
dangling before its author's link, a call to sign up spelt "Sign-up", a blog platform's lines
around its comment form, a "Pin It" button, a tag line left after its author went to the byline,
and a toolbar or post-meta line set as a ``span`` on a line of its own.

Direct calls on small trees written here; each rule also has a case it must leave alone."""

from __future__ import annotations

from lxml import etree

from pubbuild.reader import furniture

PROSE = "<p>The ferry keeps its usual times from the south quay while the north quay is closed.</p>"


def _cleaned(body: str) -> list[str]:
    article = etree.fromstring(f"<div>{body}</div>", etree.HTMLParser()).find(".//body/div")
    furniture.clean(article)
    return [" ".join(t.split()) for t in article.itertext() if t.strip()]


ONLY_PROSE = _cleaned(PROSE)


def test_a_forums_lines_about_a_poster_go_and_a_sentence_about_registering_stays() -> None:
    post = ("<p>Harbourmaster</p><p>Location: Quay Street Registered: July 13, 2001 Posts: 1851</p>"
            "<div><p>Join Date: May 2008</p><p>Posts: 443</p></div>")
    assert _cleaned(PROSE + post) == [*ONLY_PROSE, "Harbourmaster"]
    # a short box of the poster's name and these lines is the poster's box: it goes whole
    box = "<div><p>Harbourmaster</p><p>Location: Quay Street Registered: July 13, 2001 Posts: 1851</p></div>"
    assert _cleaned(PROSE + box) == ONLY_PROSE
    told = PROSE + "<p>Registered: the ferry company's new boat, which posts: a timetable at the quay.</p>"
    assert len(_cleaned(told)) == 2


def test_a_date_left_dangling_before_its_authors_link_goes_and_a_date_alone_stays() -> None:
    assert _cleaned(PROSE + "<p>06 November 2012 by</p>") == ONLY_PROSE
    assert _cleaned(PROSE + "<p>November 9, 2012 by:</p>") == ONLY_PROSE
    assert _cleaned(PROSE + "<p>06 November 2012</p>") == [*ONLY_PROSE, "06 November 2012"]  # a dateline
    told = PROSE + "<p>06 November 2012 by the harbour board's own reckoning.</p>"
    assert len(_cleaned(told)) == 2


def test_a_call_to_sign_up_spelt_with_a_hyphen_goes() -> None:
    calls = ("<p>Sign-up To The Newsletter</p>"
             "<p>Sign-up to the Harbour Log newsletter and you will get the tide tables for free.</p>")
    assert _cleaned(PROSE + calls) == ONLY_PROSE
    report = PROSE + "<p>The sign-up for the harbour trust's newsletter closed with two thousand names.</p>"
    assert len(_cleaned(report)) == 2


def test_a_blog_platforms_lines_around_its_comment_form_go() -> None:
    lines = ("<p>You can follow this conversation by subscribing to the comment feed for this post.</p>"
             "<p>The letters and numbers you entered did not match the image. Please try again.</p>"
             "<p>Having trouble reading this image? View an alternate.</p>")
    assert _cleaned(PROSE + lines) == ONLY_PROSE


def test_a_pin_it_button_goes() -> None:
    assert _cleaned(PROSE + '<p><a href="https://example.org/pin/create/button/">Pin It</a></p>') == ONLY_PROSE
    kept = PROSE + "<p>The harbour trust asked walkers to pin it to the noticeboard at the quay.</p>"
    assert len(_cleaned(kept)) == 2


def test_a_tag_line_left_after_its_author_went_goes() -> None:
    tags = ('<p class="post-info"> | Tags: <a href="/tag/ferries">Ferries</a>, '
            '<a href="/tag/north-quay">North quay</a>, <a href="/tag/tides">Tides</a></p>')
    assert _cleaned(PROSE + tags) == ONLY_PROSE


def test_a_span_on_a_line_of_its_own_that_is_a_toolbar_goes() -> None:
    story = ('<div><span class="title"><a href="/s/1">Ferry times change</a></span><br>'
             '<span class="tools"><a href="/print/1">Print News</a> | <a href="/mail/1">Mail News</a></span><br>'
             '<span class="body">The ferry keeps its usual times from the south quay.</span><br>'
             '<span class="meta">Posted by Ana at 9:41 PM | Comments (6) | Category: Travel</span><br>'
             '<span class="note">Print the form</span> and bring it to the office.</div>')
    texts = _cleaned(PROSE + story)
    assert "Print News" not in texts and "Mail News" not in texts
    assert "Posted by Ana at 9:41 PM" in texts and not any("Category" in t for t in texts)
    assert "The ferry keeps its usual times from the south quay." in texts
    assert "Print the form" in texts  # words after it on its line: not a line of its own


def test_a_site_link_with_its_label_outside_the_link_goes_and_a_sentence_stays() -> None:
    links = ('<p>Go to <a href="#top">top of page</a></p><p>Back to <a href="/office.htm">Harbour office</a> page</p>'
             '<p>[ <a href="https://harbour.example.org">Back To harbour.example.org\'s Homepage</a> ]</p>')
    assert _cleaned(PROSE + links) == ONLY_PROSE
    told = PROSE + '<p>Back to <a href="/quay">the quay</a> came the ferry at noon with forty aboard.</p>'
    assert len(_cleaned(told)) == 4
    unlinked = PROSE + "<p>Back to the harbour office</p>"  # no link: the author's words (a heading, say)
    assert len(_cleaned(unlinked)) == 2


def test_a_link_to_the_next_or_previous_post_goes_and_a_line_without_one_stays() -> None:
    links = ('<p>Next Post: <a href="/p/2">What the harbour trust decided</a></p>'
             '<p>Previous story: <a href="/p/0">Ferry times change</a></p>')
    assert _cleaned(PROSE + links) == ONLY_PROSE
    assert len(_cleaned(PROSE + "<p>Next post: the harbour trust meets on Tuesday.</p>")) == 2


def test_a_share_button_with_its_bar_and_a_closed_thread_notice_go_and_a_lone_by_stays() -> None:
    lines = ("<p><a href='/share'>Share</a>|</p><p>The comments to this entry are closed.</p>")
    assert _cleaned(PROSE + lines) == ONLY_PROSE
    assert len(_cleaned(PROSE + "<p>By</p><p>Ana Stone</p>")) == 3  # (a byline set on two lines)


def test_a_lone_site_link_set_in_a_font_or_in_bold_goes() -> None:
    links = ('<div align="center"><font size="4"><a href="../main.htm">Return To Index Page</a></font></div>'
             '<center><b><font size="+1"><a href="about.html">RETURN TO PREVIOUS PAGE</a></font></b></center>')
    assert _cleaned(PROSE + links) == ONLY_PROSE
    told = PROSE + '<div><font><a href="/office">Return to the harbour office</a> before noon.</font></div>'
    assert len(_cleaned(told)) == 3


def test_a_row_of_page_links_goes_and_numbers_without_links_or_of_notes_stay() -> None:
    pages = "".join(f' <a href="/t-4-p-{n}.html">{n}</a>' for n in range(2, 12))
    rows = (f'<div><b>Pages :</b> [<b>1</b>]{pages}</div>'
            '<p><a href="/p/1">« Prev</a> 1 <a href="/p/2">2</a> <a href="/p/3">3</a> <a href="/p/2">Next »</a></p>'
            '<p>Harbour notes: page 1 of 5 <a href="/notes/2">next page</a></p>')
    assert _cleaned(PROSE + rows) == ONLY_PROSE
    figures = PROSE + "<p>Tides: 12, 15, 18, 21</p>"  # (a label and numbers, no link: the article's figures)
    assert len(_cleaned(figures)) == 2
    notes = PROSE + '<p>Notes: <a href="#n1">1</a>, <a href="#n2">2</a>, <a href="#n3">3</a></p>'
    assert len(_cleaned(notes)) == 7  # (each text node: the label, three numbers, two commas)


LONG_PROSE = PROSE * 3  # (a thread counts only after the article's text: 200 characters at least)


def test_a_thread_after_an_anchor_named_for_comments_goes() -> None:
    thread = "".join(f'<p class="b_box">Posted by: {who}, Kendal on 8:2{n}pm Tue 1 Jan 08</p><p>{said}</p>'
                     for n, (who, said) in enumerate((("Ana", "The ferry was late again."),
                                                      ("Ben", "Not on Tuesday it was not."))))
    toolbar = '<p><a href="/print">Print</a> <a href="#form">Comment</a><a name="comments"></a></p>'
    assert _cleaned(LONG_PROSE + toolbar + thread) == _cleaned(LONG_PROSE + toolbar)
    # the anchor with the article's own words after it, no attribution lines: they stay
    told = LONG_PROSE + '<a name="comments"></a><p>The board replied on Tuesday.</p><p>It meets again in May.</p>'
    assert "It meets again in May." in _cleaned(told)
    # an anchor before the article's text is no thread after the article
    assert "The ferry was late again." in _cleaned('<a name="comments"></a>' + thread + PROSE)


def test_a_headlines_heading_goes_with_its_links_and_a_heading_of_words_about_headlines_stays() -> None:
    teasers = "<br>".join(f'<a href="/sport/{n}">Ferry crew wins the regatta, part {n}</a>' for n in range(4))
    assert _cleaned(PROSE + f"<p><b>Sports Headlines</b></p><p>{teasers}</p>") == ONLY_PROSE
    assert _cleaned(PROSE + f"<p>More headlines:</p><p>{teasers}</p>") == ONLY_PROSE
    kept = _cleaned(PROSE + f"<h3>Between the headlines</h3><p>{teasers}</p>")
    assert "Between the headlines" in kept


def test_a_teaser_labelled_with_its_media_or_ending_in_a_call_to_watch_goes() -> None:
    teasers = ('<p><a href="/pictures/regatta">Pictures: The harbour regatta in full sail</a></p>'
               '<div class="rel_headline">Ferry crew rescue: first look at the quay '
               '<a href="/video/1" class="open">Watch Video</a></div>')
    assert _cleaned(PROSE + teasers) == ONLY_PROSE
    told = ('<p>Pictures: the trust keeps <a href="/archive">an archive</a> of the regatta.</p>'
            '<p>The board filmed the launch. <a href="/video/2">Watch video</a></p>')
    assert len(_cleaned(PROSE + told)) == 6  # words beside the link; a sentence before the call


def test_a_post_meta_line_with_a_view_all_posts_link_keeps_only_its_attribution() -> None:
    meta = ('<p class="post-details">Posted by Ana | <a href="/author/ana/">View all posts by Ana</a><br>'
            '<a href="/p/1#comments">1 Comment »</a> | Published in <a href="/category/ferries/">Ferries</a>'
            ' | <a href="/p/1#comments">1 Comment</a></p>')
    assert _cleaned(PROSE + meta) == [*ONLY_PROSE, "Posted by Ana"]


def test_a_rankings_numbers_left_without_their_entries_go_and_a_table_of_figures_stays() -> None:
    ranks = "<table>" + "".join(f"<tr><td>{n}</td></tr>" for n in range(1, 11)) + "</table>"
    assert _cleaned(PROSE + ranks) == ONLY_PROSE
    figures = "<table>" + "".join(f"<tr><td>{n}</td></tr>" for n in (3, 1, 2, 4)) + "</table>"
    assert len(_cleaned(PROSE + figures)) == 5  # not 1, 2, 3 ... in order: the article's numbers


def test_a_box_of_sponsored_links_and_a_call_to_buy_advertising_go() -> None:
    ads = "".join(f'<li><b><a href="https://ads.example/{n}">Ferry tickets {n}</a></b> Cheap crossings all year.</li>'
                  for n in range(3))
    box = (f'<p><span>HARBOUR MALL</span> SPONSORED LINKS</p><ul>{ads}</ul>'
           '<p><a href="/adbrite">Your Ad Here</a></p><p><a href="/advertise">Advertise on Harbour News</a></p>')
    assert _cleaned(PROSE + box) == ONLY_PROSE
    told = PROSE + "<p>Advertise themselves</p>"  # (a heading of the article's own)
    assert len(_cleaned(told)) == 2


def test_a_call_to_follow_on_a_social_network_goes_and_a_sentence_about_it_stays() -> None:
    calls = '<ul><li><p>Facebook</p><p>Like Us</p></li></ul><p>Follow Me on Twitter @harbourlog</p>'
    assert _cleaned(PROSE + calls) == [*ONLY_PROSE, "Facebook"]
    told = PROSE + "<p>Follow us on Twitter, @harbourlog, for the tide tables.</p>"
    assert len(_cleaned(told)) == 2


def test_a_year_or_a_row_of_figures_that_does_not_rise_is_no_row_of_page_links() -> None:
    linked = PROSE + '<p><a href="/archive/2014">2014</a></p><p><a href="/t">Tides</a>: 12, 5, 3, 4</p>'
    assert "2014" in _cleaned(linked) and "Tides" in _cleaned(linked)


def test_a_footer_row_with_the_sites_copyright_and_a_syndicate_link_go_and_a_storys_copyright_stays() -> None:
    footer = ('<p>©2006 Harbour.example | <a href="/contact">contact</a> | <a href="/terms">terms &amp; conditions</a></p>'
              '<p><a href="/index.xml">Syndicate this site (XML)</a></p>')
    assert _cleaned(PROSE + footer) == ONLY_PROSE
    story = PROSE + '<p><a href="https://ap.example">© 2008 The Associated Press</a></p>'
    assert "© 2008 The Associated Press" in _cleaned(story)


def test_a_tools_icon_link_goes_and_a_linked_picture_of_the_article_stays() -> None:
    icons = ('<p>Ferry times change <a href="/print/1"><img src="/print.png" alt="Printer Friendly Page"></a>'
             '<a href="/mail/1"><img src="/mail.png" alt="Send this Article to a Friend"></a></p>')
    article = etree.fromstring(f"<div>{PROSE}{icons}</div>", etree.HTMLParser()).find(".//body/div")
    furniture.clean(article)
    assert article.find(".//img") is None and "Ferry times change" in "".join(article.itertext())
    photo = ('<p><a href="/big/quay.jpg"><img src="/quay.jpg" alt="Click to enlarge"></a></p>'
             '<p><a href="/harbour"><img src="/quay2.jpg" alt="The north quay at dawn"></a></p>')
    article = etree.fromstring(f"<div>{PROSE}{photo}</div>", etree.HTMLParser()).find(".//body/div")
    furniture.clean(article)
    assert len(article.findall(".//img")) == 2
