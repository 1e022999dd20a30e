"""Furniture rules on an article already located: indexes of dated pages, closing headings, skip
links, the note to a browser without the stylesheet.

Direct calls on small trees written here (the page-level cases are the normalise fixtures
``qfurn_date-indexes-closing-headings`` and ``qfurn5_unstyled-notice-and-skip-links``)."""

from __future__ import annotations

from lxml import etree

from pubbuild.reader import furniture


def _article(body: str) -> etree._Element:
    return etree.fromstring(f"<div>{body}</div>", etree.HTMLParser()).find(".//body/div")


def _texts(article: etree._Element) -> list[str]:
    return [" ".join(t.split()) for t in article.itertext() if t.strip()]


PROSE = "<p>The ferry keeps its usual times from the south quay while the north quay is closed.</p>"


def test_an_article_of_headings_alone_keeps_them() -> None:
    article = _article("<h2>Harbour wall repairs begin</h2><h2>Ferry times</h2><h3>Tide tables</h3>")
    furniture.clean(article)
    assert _texts(article) == ["Harbour wall repairs begin", "Ferry times", "Tide tables"]


def test_closing_headings_go_and_a_heading_over_a_picture_stays() -> None:
    article = _article(PROSE + "<h2>Related stories</h2><div><h3>You might also like</h3></div>")
    furniture.clean(article)
    assert _texts(article) == _texts(_article(PROSE))
    pictured = _article(PROSE + '<h2>The wall in 1911</h2><p><img src="https://example.org/w.jpg" alt=""></p>')
    furniture.clean(pictured)
    assert "The wall in 1911" in _texts(pictured)


def test_dates_in_a_list_beside_other_words_stay() -> None:
    events = "".join(f"<li>{d}</li>" for d in ("3 May 2024", "4 May 2024", "5 May 2024", "6 May 2024"))
    article = _article(PROSE + f"<ul>{events}<li>Open day at the harbour office</li></ul>")
    furniture.clean(article)
    assert "3 May 2024" in _texts(article)


def test_a_date_index_goes_and_on_a_page_kept_whole_only_when_linked() -> None:
    dates = ("Tuesday | Sept 3, 2002", "Thursday | Sept 5, 2002", "Tuesday | Sept 10, 2002", "12/09/2002")
    linked = "".join(f'<a href="/{n}.html">{d}</a><br><br>' for n, d in enumerate(dates))
    article = _article(PROSE + f"<div>{linked}</div>")
    furniture.clean(article)
    assert _texts(article) == _texts(_article(PROSE))
    plain = "".join(f"<p>{d}</p>" for d in dates)
    kept_whole = _article(PROSE + f"<div>{plain}</div>")
    furniture.clean_unfurnished(kept_whole)
    assert "12/09/2002" in _texts(kept_whole)
    page = _article(PROSE + f"<div>{linked}</div>")
    furniture.clean_unfurnished(page)
    assert _texts(page) == _texts(_article(PROSE))


def test_a_control_link_on_a_line_of_its_own_goes() -> None:
    cell = ('<table><tr><td>' + PROSE + '<br><br><a href="/alerts">Click here to sign up for breaking news alerts</a>'
            '<br><br><a href="#top">Back to top</a><br>'
            'Read the <a href="/report">full report</a> at the library.<br>'
            '<a href="/archive">Continue reading</a> the council minutes.</td></tr></table>')
    article = _article(cell)
    furniture.clean(article)
    texts = " ".join(_texts(article))
    assert "breaking news alerts" not in texts and "Back to top" not in texts
    assert "full report" in texts and "Continue reading" in texts  # links inside a line of words stay


def test_a_long_category_line_goes_and_a_long_paragraph_opening_with_a_label_stays() -> None:
    links = ", ".join(f'<a href="/category/{n}">Harbour topic number {n}</a>' for n in range(30))
    article = _article(PROSE + f'<p><span class="bold">Categories:</span> {links}</p>')
    furniture.clean(article)
    assert _texts(article) == _texts(_article(PROSE))
    words = " ".join(["the harbour trust met again to hear the engineers"] * 12)
    told = _article(PROSE + f"<p><strong>Topics:</strong> {words}, and one <a href='/t'>link</a>.</p>")
    furniture.clean(told)
    assert any("engineers" in t for t in _texts(told))  # a label, then words, not links: kept


def test_a_call_to_sign_up_goes_and_a_report_of_one_stays() -> None:
    calls = ("<p>To receive these notes once a month by e-mail, sign up for the Harbour Log newsletter.</p>"
             "<p>Don't miss a post! Subscribe to our newsletter and get weekly updates in your inbox.</p>")
    report = "<p>More than two thousand readers can subscribe to the newsletter the trust started in May.</p>"
    article = _article(PROSE + calls + report)
    furniture.clean(article)
    assert _texts(article) == _texts(_article(PROSE + report))


def test_a_related_heading_over_a_paragraph_of_links_goes_with_it() -> None:
    links = "<br>".join(f'<a href="/post/{n}">Another post on the harbour, part {n}</a>' for n in range(3))
    article = _article(PROSE + f"<h3>Related posts</h3><p>{links}</p>")
    furniture.clean(article)
    assert _texts(article) == _texts(_article(PROSE))


def _cleaned(body: str, *, whole: bool = False) -> list[str]:
    """The texts left of ``body`` once its furniture is gone: as an extracted article, or with
    ``whole`` as a page kept whole."""
    article = _article(body)
    (furniture.clean_unfurnished if whole else furniture.clean)(article)
    return _texts(article)


ONLY_PROSE = _texts(_article(PROSE))


def test_a_skip_link_in_square_brackets_goes_and_a_bracketed_link_of_words_stays() -> None:
    assert _cleaned('<p class="access">[<a href="#nav">Skip to navigation</a>]</p>' + PROSE
                    + '<p>[ <a href="#top">Back to top</a> ]</p>'
                    + '<p>[<a href="/minutes.html">the council minutes of May</a>]</p>') \
        == [*ONLY_PROSE, "[", "the council minutes of May", "]"]
    # a site link: it goes from a page kept whole too
    assert _cleaned('<p>[<a href="#content">Skip to main content</a>]</p>' + PROSE, whole=True) == ONLY_PROSE


def test_the_notice_to_a_browser_without_the_stylesheet_goes_and_a_sentence_about_browsers_stays() -> None:
    assert _cleaned("<p><strong>Please note:</strong> Your browser has been unable to load the stylesheet "
                    "that accompanies this page. The page is still readable.</p>" + PROSE) == ONLY_PROSE
    told = _cleaned(PROSE + "<p>The council's new booking page works in any browser, and your browser "
                            "does not need the ferry company's app.</p>")
    assert any("any browser" in t for t in told)


def test_a_trail_of_links_without_a_home_goes_and_arrows_in_words_stay() -> None:
    forum = ('<p><a href="/forum">Harbour Forum</a> &gt; <a href="/forum/c">Community</a> &gt; '
             '<a href="/forum/c/cafe">Quay Cafe</a> &gt; Ferry times this winter</p>')
    labelled = ('<p>Full list of categories: <a href="/c/a">Boats</a> » <a href="/c/b">Tides</a> » '
                '<a href="/c/c">Local colour</a></p>')
    assert _cleaned(forum + PROSE + labelled) == ONLY_PROSE
    sums = _cleaned(PROSE + '<p>Keep the rows where entries &gt; 10 and <a href="/z">the score</a> &gt; 3.</p>')
    assert any("entries > 10" in t for t in sums)
    assert _cleaned(forum + PROSE, whole=True) == ONLY_PROSE  # (the site's navigation, on any page)


def test_notes_to_a_browser_without_a_plug_in_or_javascript_go() -> None:
    assert _cleaned('<p>Get the Flash Player to see this player.</p>' + PROSE
                    + '<p>JavaScript is disabled in your browser.</p>') == ONLY_PROSE
    told = _cleaned(PROSE + "<p>The old timetable player needed Flash, and the council's browser could not run it.</p>")
    assert any("needed Flash" in t for t in told)


def test_sharing_buttons_view_counters_ad_breaks_and_click_to_links_go() -> None:
    sharing = ('<ul><li><a href="/d">Post to del.icio.us</a></li><li><a href="/g">Post to Digg</a></li>'
               '<li><a href="/f">Share on Facebook</a></li></ul>')
    tugs = PROSE.replace("ferry", "tug")
    assert _cleaned(PROSE + '<p class="ad">Story continues below</p>' + tugs + '<p>Count of views : 106</p>'
                    '<p><a href="/s">Click to subscribe</a></p>' + sharing + '<p><a href="/p2">Next page</a></p>'
                    '<ul><li><a href="/rss">RSS feed</a></li><li><a href="/alerts">Add to my email alerts</a></li>'
                    '<li><a href="/feeds">More web feeds</a></li></ul>') == [*ONLY_PROSE, *_texts(_article(tugs))]
    assert len(_cleaned(PROSE + "<p>The video was viewed 1,024 times before the council took it down.</p>")) == 2


def test_teasers_under_a_heading_naming_other_articles_go_and_a_list_of_the_articles_own_stays() -> None:
    teasers = ('<h3>Recent Posts</h3><div><ul>'
               '<li>August 9th, 2012 <a href="/a">Ferry times</a> The ferry keeps to its winter timetable while the '
               'north quay is closed for the repairs the board approved in May.</li>'
               '<li>July 31st, 2012 <a href="/b">Tide tables</a> The spring tides of August will be the highest '
               'of the year, and the harbour office asks owners to check their moorings.</li></ul></div>')
    assert _cleaned(PROSE + teasers) == ONLY_PROSE
    steps = ('<h3>Related</h3><ul><li>Check the moorings at low water, as <a href="/m">the guide</a> shows.</li>'
             '<li>Tell the harbour office before the spring tide.</li></ul>')
    # an item without a link: the article's own list
    assert "Tell the harbour office before the spring tide." in _cleaned(PROSE + steps)


def test_what_a_comment_form_says_of_itself_goes() -> None:
    assert _cleaned(PROSE + "<p>No comments yet.</p><p>Your comment has been saved. Comments are moderated and "
                    "will not appear until approved by the author.</p><p>As a final step before posting your "
                    "comment, enter the letters and numbers you see in the image below.</p>") == ONLY_PROSE
    # (the notice is the block's whole sentence; this one goes on)
    assert len(_cleaned(PROSE + "<p>No comments yet from the board, which meets again on Tuesday.</p>")) == 2


def test_a_teasers_media_label_and_a_newsletters_sign_up_line_go() -> None:
    assert _cleaned('<p>Gallery</p>' + PROSE + '<p><a href="/v">Video</a></p>'
                    '<p>From Ana Stone, your guide to the harbour. FREE Newsletter. Sign Up Now!</p>') == ONLY_PROSE
    told = PROSE + "<p>The harbour office prints a newsletter, and anyone may sign up at the quay.</p>"
    assert len(_cleaned(told)) == 2
    # A heading saying only "Photos" heads the article's own pictures: it stays.
    assert _cleaned(PROSE + "<h2>Photos</h2>" + PROSE) == [*ONLY_PROSE, "Photos", *ONLY_PROSE]


def test_a_pages_copyright_footer_goes_and_a_storys_copyright_line_stays() -> None:
    assert _cleaned(PROSE + "<p>This page copyright © Harbour Board MMI<br>Contact the board for feedback</p>") \
        == ONLY_PROSE
    # (the story's owner, which several references keep)
    assert len(_cleaned(PROSE + "<p>Copyright 2008 The Harbour Press. All rights reserved.</p>")) == 2


def test_a_teaser_cut_short_before_its_link_goes_and_a_sentence_with_an_ellipsis_stays() -> None:
    assert _cleaned(PROSE + '<p>Harbour workers haul the last of the nets from the... <a href="/g/1">View Full '
                    'Size</a></p><p>Ana: Welcome home... but I will miss your travel storie... <a href="/c/2">'
                    '[read]</a></p>') == ONLY_PROSE
    told = PROSE + '<p>The board waited... and then <a href="/minutes">the minutes</a> said yes.</p>'
    assert len(_cleaned(told)) == 4


def test_a_news_sites_call_for_tips_and_feedback_goes_and_a_story_about_tips_stays() -> None:
    assert _cleaned(PROSE + "<p>When news happens: send photos, videos &amp; tip-offs to 0400 000 000, or us.</p>"
                    "<p>• Have a view on this story? Send us your feedback!</p>") == ONLY_PROSE
    told = PROSE + "<p>The skippers send their tips to the harbour master every Friday.</p>"
    assert len(_cleaned(told)) == 2


def test_a_toolbar_of_email_a_friend_and_respond_and_a_more_stories_line_go() -> None:
    toolbar = ('<p><a href="/print">Printer-friendly version</a> <a href="/mail">Email-a-friend</a> '
               '<a href="#respond">Respond</a></p>')
    more = '<p>More Stories on : <a href="/t/boats">Boats</a> | <a href="/t/tides">Tides</a> | <a href="/t/q">Quays</a></p>'
    assert _cleaned(PROSE + toolbar + more) == ONLY_PROSE
    told = PROSE + '<p>More stories on the <a href="/wall">north wall</a> will follow as the repairs go on.</p>'
    assert len(_cleaned(told)) == 4


def test_a_row_of_section_links_goes_and_a_row_with_words_between_stays() -> None:
    row = "<p>" + " | ".join(f'<a href="/{s.lower()}">{s}</a>' for s in ("Jobs", "Property", "Motors", "Money")) + "</p>"
    assert _cleaned(PROSE + row) == ONLY_PROSE
    assert _cleaned(PROSE + row.replace("<p>", "<p>Classifieds: ")) == ONLY_PROSE  # (after a label)
    sources = ('<p>Sources: <a href="/a">the harbour board</a> | <a href="/b">the ferry company</a> | '
               'the tide tables | <a href="/c">the coastguard</a></p>')
    assert len(_cleaned(PROSE + sources)) > 1
