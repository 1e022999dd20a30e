"""Furniture inside the article container: controls, calls to action, ratings, link lists.

The extractor picks the container of the article; sites put their widgets
inside it too.  What is removed here is recognised by what it *says*, not by
its class names (which differ on every site): a block whose whole text is a
control label ("Image 1 of 8", "Close", "less", "more"), a call to action
("Read more", "New Call-to-action"), a rating widget ("Add a review 1 2 3 4 5"),
a share or bookmark line ("Bookmark and Share"), a "Most popular" /
"Related stories" heading with the list of links under it, a breadcrumb trail
("Home > News > ..."), a blog's post-meta toolbar ("Posted by Ana at 9:41 PM |
Comments (6) | Category: Travel", or "Tuesday December 26, 2006 | permalink", of
which the attribution stays), an advertisement's label, a text-size or sharing row
("Font size: + -", "Send this article: Print Email"), a comment form's notices
("Comments are moderated ..."), a "powered by" footer line, the note to a browser that
lacks the page's stylesheet, a plug-in or JavaScript, an accessibility skip link, a sharing
service's button, a view counter, an advertisement's "Story continues below", a trail of
links that does not open with the site's home, and a comment
section's heading left with nothing under it but a sign-in prompt.
A caption is kept once: repeated outside its figure (a gallery's caption
layer) it goes; so does the hidden one of two copies of a paragraph, an index of
dated pages (a block of dates alone), and a heading left at the article's end
with nothing under it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

from lxml import etree

from .dom import (
    HtmlElement,
    has_words,
    href_links,
    inner_text,
    letters,
    link_density,
    readable_chars,
    short_text,
    text_content,
)
from .dom import remove as _remove

#: A teaser's label for the kind of page it leads to ("Gallery", "Video", "Photo"): one of the
#: controls below, but also a fair heading of an article's section (its pictures, its video).
_MEDIA_ITEM = r"(?:photo |video )?galler(?:y|ies)|videos?|photos?|slideshow"
_CONTROL_ITEM = (
    r"(?:"
    r"(?:image|photo|picture|slide|foto|bild)\s*\d+\s*(?:of|/|von|de|из)\s*\d+"  # gallery position
    r"|(?:page\s*)?\d+\s*(?:of|/)\s*\d+|page \d+|older posts|newer posts"  # pagination
    r"|close|schließen|fermer|закрыть|less|more|read|show (?:more|less)|back to top"
    r"|(?:previous|next|prev|older|newer)(?: (?:article|post|story|entry|item|page))?"
    r"|(?:more )?(?:rss|web) feeds?|rss|add to my (?:e-?mail )?alerts|syndicate this site(?: \((?:xml|rss|atom)\))?"  # (not "News Feed": a product's name)
    r"|caption|hide caption|show caption|enlarge(?: this image| image)?|full ?screen|view (?:gallery|slideshow)"
    r"|(?:view )?(?:full[- ]size|larger)(?: (?:image|photo|picture|version))?"
    # calls to action, with what they point at ("Read more about the budget", "Download the report")
    r"|(?:read more|continue reading|learn more|see more|view more|click here|sign up|subscribe"
    r"|(?:click|tap) to (?:subscribe|sign up|register|enlarge|view|watch|listen|read|download|print|e-?mail"
    r"|share|comment|continue|see|order|buy|jump)"
    r"|download|read the full (?:story|article)|keep reading|read on)"
    r"(?:\s+(?:to|for|about|on|at|from|in|the|our|this|these|all|more|now|today|here)\b[^.!?|·•]{0,40})?"
    r"(?:\s*[:–—-]?\s*[«“\"‘'][^«»“”\"]{1,100}[»”\"’'])?(?:\s*(?:»|→|\.\.\.|…))?"  # ... the post's title
    r"|get the latest\b[^.!?|·•]{0,40}|new call-to-action|call to action"
    r"|(?:bookmark|share)(?: (?:and|&) (?:share|bookmark))?(?: this(?: (?:article|story|page|post))?)?"
    r"|(?:print|e-?mail|mail|send|save)(?: this| to a friend)?(?: (?:news|story|article|page|post))?(?: to a friend)?"
    r"|have your say|(?:click|tap) (?:here|on|the)? ?(?:photo|image|picture)? ?to enlarge"
    r"|buy (?:a copy of )?this (?:picture|photo|image)"
    r"|post a comment|tweet|like|pin it|permalink|trackbacks?(?:\s*\(\d+\))?"
    # a comment's or a forum post's own controls, a poll's button, a share counter
    r"|reply|respond|quote|report(?: this (?:post|comment)| abuse)?|add your (?:view|comment)s?|vote(?: now)?"
    r"|(?:e-?mail|send)[- ](?:this[- ])?(?:(?:article|story|page)[- ])?(?:to[- ])?a[- ]friend"
    r"|\d+\s+shares?|shares?(?:\s+\d+)?"
    # a sharing service's button ("Post to Digg", "Add to del.icio.us", "Share on Facebook")
    r"|(?:post|add|submit|save|share|send|bookmark)(?: this(?: (?:article|story|page|post))?)? (?:to|on|with|via)"
    r" (?:del\.icio\.us|delicious|digg|reddit|newsvine|yahoo!?(?: \w+)?|facebook|twitter|linkedin|stumbleupon"
    r"|google(?: \w+)?|furl|technorati|myspace|pinterest|tumblr|whatsapp|a friend)"
    # a call to follow the site or the writer on a social network ("Like Us", "Follow me @ana")
    r"|(?:follow|like|find|connect with) (?:us|me)(?: on (?:twitter|facebook|google\+?|instagram|pinterest"
    r"|linkedin|tumblr))?(?:\s*@\w+)?"
    # a page's view counter ("Count of views : 106", "Viewed 1,024 times")
    r"|(?:count of )?(?:views?|hits|reads|page ?views)\s*:?\s*\d[\d,.]*|(?:viewed|read) \d[\d,.]* times"
    # the label an advertisement leaves in the story ("Story continues below")
    r"|(?:advertisement\s*[-–—:]?\s*)?(?:the )?(?:story|article|text) continues (?:below|after (?:this|the) ad(?:vertisement)?)"
    r"|continued below"
    rf"|{_MEDIA_ITEM}"  # a teaser's label for the kind of page it leads to
    # an advertisement's label, the text-size buttons and the printer's version of the page
    r"|advertisement|advertising|anzeige|werbung|publicité|sponsored(?: (?:content|links?))?"
    # ... and the site's call to buy its advertising space ("Your Ad Here", "Advertise on Example")
    r"|advertise(?: (?:on|with|here|at)\b[^.!?|·•]{0,40})?|your ad here|buy a link(?: now)?|place your ad(?: here)?"
    r"|(?:font|text)\s*size\s*:?(?:\s*[-+–a])*|(?:increase|decrease|larger|smaller) (?:font|text)(?: size)?"
    r"|print(?:able|er[- ]friendly)? version|printer[- ]friendly(?: page| format)?"
    # a link to the comments, with or without their count
    r"|(?:view\s*/?\s*|add\s*/?\s*|read\s+|no\s+|\[\s*)*(?:\d+\s+)?(?:comments?|responses?|replies)"
    r"(?:\s*\(\d+\))?(?:\s*\])?"
    r"|(?:reviews?|add a review|write a review|rate this(?: article| story)?|rating|votes?)"
    r"(?:\s*[:(]?\s*\d*\s*\)?)?(?:\s+\d+){0,10}"
    r"|(?:\d+\s+){2,9}\d+"  # a row of star numbers
    r")"
)
#: Whole-block texts that are a control, a call to action or a sharing line (or a toolbar of them
#: separated by bars or dots), never content.  Each alternative is a label widgets use on many
#: sites; matched against the block's entire text (or a lone link's, see :func:`_controls`).
CONTROL = re.compile(rf"^[«‹<\s]*{_CONTROL_ITEM}(?:[\s»›>]*[|·•][\s«‹<]*{_CONTROL_ITEM})*[.:!…»›>|\s]*$",
                     re.IGNORECASE)
#: A media label alone (:data:`_MEDIA_ITEM`): a control as a block or a link of its own, but
#: a heading saying only that stays.
MEDIA_LABEL = re.compile(rf"^\W*(?:{_MEDIA_ITEM})\W*$", re.IGNORECASE)

#: What a blog or news site prints under each post: who posted it and when, its category and
#: tags.  Such a segment is a post-meta line only beside a control, in a toolbar of two or more
#: segments ("Posted by Ana at 9:41 PM | Comments (6) | Category: Travel"); alone it may be a
#: dateline or a byline, which the reader keeps.
_META_ITEM = (
    r"(?:posted|published|written|filed)\s+(?:by|in|on|at|under)\b[^|·•]{0,80}"
    r"|(?:categor(?:y|ies)|tags?|labels?|topics?)\s*:[^|·•]{0,300}"  # (a post may have a dozen tags)
    r"|view all posts (?:by|in|from)\b[^|·•]{0,80}"  # (a blog theme's link to the author's posts)
)
#: A site's own navigation: labels that are a link to another page of the site, never the
#: article's words when they stand alone as a link or in a bar-separated row of them
#: ("| Help | Site map | Search |", "Back to the news page", "Go to top of page").  Not
#: matched against a heading's text: "Contact" or "Accessibility" may head a section.
_NAV_ITEM = (
    r"(?:home|home ?page|help|site ?map|search|text links|contact(?: us)?|about(?: us)?|privacy(?: policy)?"
    r"|terms(?: (?:of|and|&) (?:use|service|conditions))?|(?:© ?)?(?:crown )?copyright|disclaimer|accessibility"
    r"|feedback|faqs?|log ?in|sign ?in|register|rss|archives?|index|government information website"
    r"|related (?:articles|stories|posts|links|topics))"
    r"|(?:go |click here to )?(?:back|return)(?: to)?\b(?:[^.!?|·•]|\.(?=\w)){0,50}"  # (a dot in a site's name)
    r"|(?:go |back )?to (?:the )?top(?: of (?:the )?page)?|top of (?:the )?page"
    # an accessibility skip link, shown to screen readers and browsers without the page's styles
    r"|skip (?:to|over)(?: the)?(?: main)? (?:content|navigation|nav|menu|links|article|search)"
)
#: (A site link may stand in square brackets: "[Skip to navigation]", "[ Back to index ]".)
NAV = re.compile(rf"^[\[«‹<\s]*(?:{_NAV_ITEM})[\s\]»›>.]*$", re.IGNORECASE)
#: A post's date (and time, and who posted it) as a blog or news site prints it in the
#: toolbar under the post: "Tuesday December 26, 2006", "26 Dec 2006 at 9:41 PM",
#: "Published: October 31st, 2012", "2006-12-26 by Ana".  Like a "Posted by" segment it is post-meta only beside a control
#: ("Tuesday December 26, 2006 | permalink | comments (0)"); alone it is a dateline.
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_ITEM = (
    r"(?:(?:posted|published|updated|written)(?:\s+on)?\s*:?\s*)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4})"
    r"(?:,?\s*(?:at\s+|@\s*)?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?)?"
    r"(?:\s+by\s+[^|·•]{1,60})?"
)
#: A post-meta segment that is the post's attribution, kept when its toolbar goes.
_DATED = re.compile(rf"^{_DATE_ITEM}$", re.IGNORECASE)
#: A site's copyright line as a segment of its footer row ("©2006 Example.com | contact | terms"):
#: not a site link of its own (a story's "© 2008 The Associated Press" stays).
_FOOTER_ITEM = r"(?:©|\(c\)|copyright) ?(?:\d{4}(?:\s*[-–]\s*\d{4})? )?[^|·•.]{0,30}(?:\.[^|·•.\s]{1,20}){0,3}"
_SEGMENT = rf"(?:{_CONTROL_ITEM}|{_META_ITEM}|{_NAV_ITEM}|{_DATE_ITEM}|{_FOOTER_ITEM})"
#: "This page was last updated 23 March 1999": a site's page footer.
LAST_UPDATED = re.compile(r"^(?:this (?:page|site|document) (?:was )?)?last (?:updated|modified|revised|changed)"
                          r"\b[^.!?]{0,40}\.?$", re.IGNORECASE)
#: "This page copyright © URBED MMI", "This site is copyright ...": a site's page footer (a
#: story's own notice, "Copyright 2008 The Associated Press", names the story's owner, not the page).
PAGE_COPYRIGHT = re.compile(r"^(?:this|the) (?:page|site|web ?site|document)(?:'s)?(?: contents?)? (?:is |are )?"
                            r"(?:copyright(?:ed)?|©|\(c\))", re.IGNORECASE)
#: The attribution in a post-meta segment, up to a control run into it ("... at 9:41 PMView Comments").
#: ("Posted in: Travel" names the post's category, not who posted it or when.)
_POSTED = re.compile(rf"(?:posted|published|written)\s+(?:by|on|at)\b.*?(?=\s*(?:{_CONTROL_ITEM})?\s*$)",
                     re.IGNORECASE)
POST_META = re.compile(rf"^[|\s«‹<]*{_SEGMENT}(?:[\s»›>]*[|·•][\s«‹<]*{_SEGMENT})+[|.:!…»›>\s]*$",
                       re.IGNORECASE)

#: A breadcrumb trail: the site's home, then sections, separated by arrows, slashes, bars or
#: colons, often after a "You are here" label and ending with the page's own title.
_CRUMB_SEP = r"(?:»|›|>|→|/|\||:|::)"
BREADCRUMB_START = re.compile(r"^(?:(?:you are here|navigation|location|breadcrumbs?)\s*:?\s*)?"
                              r"(?:home|home ?page|start|startseite|accueil|inicio|главная)\s*" + _CRUMB_SEP,
                              re.IGNORECASE)

#: Headings of a comment section (or its form) on a page: the comments are not the article.
COMMENT_HEADING = re.compile(
    r"^(?:\d+\s+)?(?:(?:user|reader|readers'?)\s+)?(?:comments?|responses?|replies|discussion)(?:\s*\(\d+\))?:?$"
    r"|^(?:leave|post|add|write|submit)\s+(?:a|your)\s+(?:comment|reply|response)$"
    r"|^(?:join|start) the (?:discussion|conversation)$"
    r"|^(?:have your say|your (?:views|say)|tell us what you think|what do you think\??)$",
    re.IGNORECASE)

#: Headings of lists of other articles.
OTHER_ARTICLES = re.compile(
    r"^(?:most (?:popular|read|viewed|emailed|shared|commented)|popular (?:stories|articles|posts|now)"
    r"|related(?: (?:stories|articles|posts|content|links|news|coverage))?|you (?:may|might) also like"
    r"|more (?:stories|news|from|on this)|recommended(?: for you)?|trending(?: now)?|top stories"
    r"|(?:latest|recent) (?:news|stories|headlines|posts|entries|articles|comments)|categories|archives"
    r"|(?:[\w'’]+ )?headlines(?=:?$)"  # ("Sports Headlines", "More headlines"; not "Between the headlines")
    r"|blogroll|related links|also in\b|elsewhere on\b|(?:we )?also recommend(?:ed)?|check out more"
    r"|other (?:\w+ ){0,2}(?:news|stories|articles|posts|headlines)"
    r"|самое популярное|популярное|читайте также|lesen sie auch"
    r"|(?:[\w'’]+ ){0,2}sponsored (?:links|listings|results)|ads by google)\b",  # (a box of advertisers' links)
    re.IGNORECASE)

#: Classes of a caption's credit line (photographer, agency, copyright): not the caption's own words.
CREDIT = re.compile(r"credit|copyright|photographer|byline|source|attribution", re.IGNORECASE)

#: A reference site's edit control in a heading ("History[edit]", "[edit | edit source]"),
#: in the languages such sites are written in.
EDIT_CONTROL = re.compile(r"^\[?\s*(?:edit|edit source|bearbeiten|quelltext bearbeiten|modifier|modifier le code|"
                          r"editar|editar código|modifica|modifica wikitesto|bewerken|redigera|править|"
                          r"редактировать|編集|编辑|편집)(?:\s*\|\s*(?:edit source|quelltext bearbeiten|"
                          r"modifier le code|editar código|modifica wikitesto|править код))?\s*\]?$",
                          re.IGNORECASE)
#: A post-meta line whose author link has gone (to the byline): "Posted on 3 May 2024 by", or
#: the date alone before it, "06 November 2012 by".  (Not "By" alone: the L3S-GN1 references keep
#: it, on a line of its own before the name.)
DANGLING_BY = re.compile(rf"^(?:(?:posted|published|written|updated)\b.{{0,80}}\b|{_DATE_ITEM}\s+)by[\s:]*$",
                         re.IGNORECASE)

#: The label of a blog's category or tag line: "Posted in", "Filed under:", "Categories:", "Tags:",
#: a news site's "Related topics:",
#: WordPress's "This entry was posted on ... and is filed under", a blog's "11/09/2012 in".  What
#: follows is the list of categories, each a link to the site's page of that category.
CATEGORY_LABEL = re.compile(
    r"^[|·•\s]*(?:this (?:entry|post) was\b.{0,100}?\b)?"
    r"(?:(?:posted|filed|published|categori[sz]ed|listed)\s+(?:in|under)|categor(?:y|ies)|tags?"
    r"|related (?:topics?|subjects?|tags|categories)|more (?:stories|articles|news|posts)(?: (?:on|about|in))?"
    r"|tagged(?:\s+(?:with|as|in))?|labels?|topics?|\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\s+in)\s*:?(?=\s)",
    re.IGNORECASE)
#: Share of a category line's list (after its label, up to the first sentence end or bar) that
#: its links make up: a dateline ("Posted in Paris on ...") has no links there.
CATEGORY_LINK_SHARE = 0.6
#: Sentences a blog platform prints under every post about its feeds, trackbacks and comments.
#: Also the notices a comment form prints around it (its rules, its character limit, what
#: becomes of the address): with the comments gone they are no one's words.  And the lines a
#: publisher prints under every story, not the story's own: a newspaper's "Write to <reporter>
#: at <address>", a call to sign up to a newsletter or to a feed.  (Not the note on the print
#: edition, "A version of this article appeared in print on ...": the Readability references
#: keep it, the Dragnet ones drop it; dropping it lowered the Readability held-out part.)
FEED_NOTICE = re.compile(
    r"^(?:you can follow any responses to this entry|both comments and (?:pings|trackbacks) are "
    r"(?:currently )?closed|(?:comments and )?trackbacks are closed|you can skip to the end and leave a "
    r"response|responses are currently closed"
    r"|comments? (?:are|is|will be) (?:moderated|reviewed|pre-?moderated)|(?:offensive|abusive) comments"
    r"|your (?:e-?mail )?(?:address )?(?:will not|won't) be (?:published|displayed|shared)"
    r"|you must be (?:logged|signed) in to (?:post|leave|add) a comment|(?:limit|maximum)\s*:?\s*\d+\s+characters"
    r"|your comment (?:has not yet been|is awaiting)|this is only a preview"
    # ... and what the form says of itself and of the thread when it is empty or being used
    r"|no comments yet(?=[\s.!]*$)|be the first to (?:comment|reply)|comments? (?:are|is) (?:now )?closed"
    r"|(?:the )?comments (?:to|on|for) this (?:entry|post|article|story) are closed"
    r"|as a final step before posting your comment|(?:verify|previewing|preview) your comment"
    r"|your comment (?:has been (?:saved|posted|submitted|received)|could not be posted)"
    # a blog platform's lines around its comment form: the thread's feed, the picture test
    # against spam ("The letters and numbers you entered did not match the image.")
    r"|you can follow this conversation by subscribing to the comment feed"
    r"|the letters and numbers you entered did not match the image|having trouble reading this image"
    # a newspaper's line on writing to the reporters
    r"|write to [\w .,'’-]{2,80}? at [\w.+-]+@"
    # a blog's or a newsletter's call to sign up, under or inside the post
    r"|(?:sign[- ]?up|subscribe) (?:to|for) (?:the|our|my) (?:[\w-]+ ){0,3}(?:newsletter|mailing list|rss feed|feed)"
    r"|if you (?:enjoyed|liked) this (?:post|article|story)"
    r")\b", re.IGNORECASE)
#: A call to sign up for the site's newsletter or alerts, addressed to the reader at the start
#: of a sentence or clause ("To receive these entries by e-mail, sign up for the Crypto-Gram
#: Newsletter.", "Don't miss a post! Subscribe to our newsletter ..."): in a short block, the
#: site's line, never the article's ("readers can subscribe to the newsletter" reports one).
SIGN_UP = re.compile(
    r"(?:^|[.!?,;:]\s+)(?:please\s+)?(?:sign[- ]?up|subscribe)(?:\s+(?:now|today|here))?\s+(?:to|for)\s+"
    r"(?:(?:the|our|my|a)\s+)?(?:[\w-]+\s+){0,3}?(?:newsletters?|mailing list|e-?mail (?:list|updates|alerts|digest)"
    r"|(?:news )?alerts|updates)\b"
    # ... or after the newsletter's name, closing the block: "FREE Newsletter. Sign Up Now!"
    r"|\bnewsletters?\b[^.!?]{0,20}[.!:]?\s+(?:sign[- ]?up|subscribe)(?:\s+(?:now|today|here))?\s*[.!]?$", re.IGNORECASE)
#: A block calling to sign up holds at most this many characters.
SIGN_UP_CHARS = 300


#: A news site's call to its readers for tips, pictures or feedback, in a short block: "When news
#: happens: send photos, videos & tip-offs to ...", "Have a view on this story? Send us your
#: feedback!", "Got a news tip? Email us".  The site's standing line under every story.
_WANTED = r"(?:photos|pictures|videos|tips|tip-offs|news tips|story ideas|feedback|views)"
READER_CALL = re.compile(
    rf"(?:^|[.!?:•]\s*)(?:please\s+)?(?:send|e-?mail|text|tell) us (?:your )?{_WANTED}\b"
    rf"|\bsend (?:us )?(?:your )?{_WANTED}(?:(?:,|\s&|\sand)\s*{_WANTED})* to\b"
    r"|\bhave a view on this (?:story|article)\b|\bgot a (?:news )?tip\b", re.IGNORECASE)
READER_CALL_CHARS = 200


def _site_line(text: str) -> bool:
    """Whether a short block's text ``text`` (at most :data:`SIGN_UP_CHARS` characters) is one
    of the site's standing lines found by a search: a call to sign up (:data:`SIGN_UP`), a
    note to a browser without a stylesheet, plug-in or JavaScript (:data:`BROWSER_NOTICE`), a
    call for readers' tips or feedback (:data:`READER_CALL`).  The text is lowered once and
    each pattern searched only when its words are there (most blocks are told by substring
    tests, in C)."""
    lower = text.lower()
    return ("sign" in lower or "subscribe" in lower) and SIGN_UP.search(text) is not None \
        or len(text) <= BROWSER_NOTICE_CHARS and ("browser" in lower or "flash" in lower or "javascript" in lower) \
        and BROWSER_NOTICE.search(text) is not None \
        or len(text) <= READER_CALL_CHARS and ("send" in lower or "us your" in lower or "got a" in lower
                                                or "have a view" in lower
                                                or " us " in lower and ("mail" in lower or "tell" in lower
                                                                         or "text" in lower)) \
        and READER_CALL.search(text) is not None


#: A teaser cut short is at most this long: a line under a thumbnail, a comment in a sidebar.
TEASER_CHARS = 200
#: The end of a text cut short and the link to the rest: "... View Full Size", "… [read]".
_CUT_END = re.compile(r"(?:\.\.\.|…)\s*$")


def _cut_teaser(el: HtmlElement, text: str) -> bool:
    """A teaser of another page: a short text cut short with an ellipsis, then a link that
    leads to the rest ("Timothy Courtois, left, and Clark Tabor were... View Full Size", a
    sidebar's "Lynn: Welcome home... but I will miss your travel storie... [read]").  The
    feature is the pair: the block's last link is a control (:data:`CONTROL`) and its text
    comes straight after an ellipsis that ends the words before it."""
    if "..." not in text and "…" not in text:
        return False  # (most blocks: told in C)
    links = list(href_links(el))
    if not links:
        return False
    label = inner_text(links[-1])
    at = text.rfind(label) if label else -1
    return at > 0 and CONTROL.match(label.strip("[]() ")) is not None \
        and not text[at + len(label):].strip(" []().»›>") and _CUT_END.search(text[:at].rstrip(" [(")) is not None


#: A row of sharing services and page actions, after its label or not ("Send this article:
#: Print Email", "Share: Facebook Twitter"): two different ones at least, or one after a label,
#: and nothing else.  (One service's name alone may head a section of an article about it, and
#: the same name again and again is a gallery's credit lines: "Facebook", "Facebook".)
_SHARE_ITEM = (r"(?:print|e-?mail|mail|share|save|tweet|facebook|twitter|linkedin|digg|reddit|delicious"
               r"|del\.icio\.us|stumbleupon|google\+?|whatsapp|pinterest|tumblr|rss|pdf)\b[\s|·•,]*")
SHARE_ROW = re.compile(
    rf"^(?:(?:send|share|e-?mail|print|save|bookmark)(?: this)?(?: (?:article|story|page|post))?"
    rf"(?: (?:with|to|on|via))?\s*:\s*{_SHARE_ITEM}(?:{_SHARE_ITEM}){{0,9}}|{_SHARE_ITEM}(?:{_SHARE_ITEM}){{1,9}})$",
    re.IGNORECASE)
#: A publisher's disclaimer beside its links ("The BBC is not responsible for the content of
#: external internet sites"): printed under every story that links out, never the story's words.
EXTERNAL_SITES = re.compile(r"\bnot responsible for the content of external (?:internet |web ?)?(?:sites|websites|links|pages)\b",
                            re.IGNORECASE)
#: The note a site shows only to a browser that lacks what the page needs: its stylesheet (which
#: hides the note: "Your browser has been unable to load the stylesheet that accompanies this
#: page"), a plug-in ("Get the Flash Player to see this player.") or JavaScript ("JavaScript is
#: disabled in your browser").  The site's words about itself, never the article's.
BROWSER_NOTICE = re.compile(
    r"\byour browser (?:has been |was |is )?(?:unable to|cannot|can't|could not|does not|doesn't)"
    r" (?:load|display|show|support|read)\b[^.!?]{0,40}\b(?:style ?sheets?|css|styles|flash|javascript)\b"
    r"|\b(?:get|download|install|upgrade to)(?: the)?(?: latest)?(?: version of)?(?: the)?(?: adobe)? flash(?: player)?"
    r"(?: plug-?in)? to (?:see|view|watch|play|hear|listen)"
    r"|\byou need (?:to (?:install|upgrade|enable|have) )?(?:the )?(?:latest )?(?:version of )?(?:adobe )?"
    r"(?:flash(?: player)?|javascript)(?: enabled| installed)? to (?:see|view|watch|play|hear|listen|use|read)"
    r"|\bjavascript (?:is|has been|must be) (?:disabled|turned off|not enabled|enabled|switched on|required)"
    r"(?: (?:in|on|for) your browser| to (?:see|view|watch|play|use|read))",
    re.IGNORECASE)
#: A note to a browser holds at most this many characters.
BROWSER_NOTICE_CHARS = 240
#: The line a site prints in its footer about the software it runs on ("powered by WordPress").
POWERED_BY = re.compile(r"^(?:proudly )?powered by\s+\S[^.!?]{0,30}$", re.IGNORECASE)

#: A teaser of another page: a link whose text opens with the kind of page it leads to ("Watch:
#: The lost journey", "Pictures: Celebrity weddings", "Complete coverage: Massacre in Aurora"),
#: or a headline ending in a call to watch ("Court appearance: first look Watch Video"), see
#: :func:`_media_teaser`.
MEDIA_TEASER = re.compile(r"^(?:watch|video|videos|pictures|photos|gallery|slideshow|listen|audio"
                          r"|(?:complete|full|special) coverage)\s*:\s*\S", re.IGNORECASE)
WATCH_CALL = re.compile(r"^(?:watch|play|view)(?: the)? (?:video|clip|slideshow|gallery|photos)$", re.IGNORECASE)
_WATCH_ENDS = ("video", "clip", "slideshow", "gallery", "photos")
#: A teaser of another page holds at most this many characters.
MEDIA_TEASER_CHARS = 150

#: A row of links to the pages of a long article, a forum thread or a list: "Pages : [1] 2 3 4 ...
#: 31", "« Prev 1 2 3 Next »", "Page 1 of 5 | Next page", after a label or not ("Books: ").  The
#: feature: page numbers (two at least, the current one bracketed or not) and the words such
#: rows use, nothing else; with a link in the block (the other pages), see :func:`_pagination`.
_PAGE_WORD = r"(?:first|last|prev(?:ious)?|next|older|newer|more)(?: pages?)?"
PAGINATION = re.compile(
    r"^(?:[^\W\d][\w ]{0,29}:\s*)?(?:(?:display\s+)?pages?\s*(?:#|:)?\s*(?:\d+\s*(?:of|/)\s*\d+\s*)?[|·•:]?\s*)?"
    rf"(?:[«‹<]+\s*|{_PAGE_WORD}\b\s*[«‹<|]*\s*)*"
    r"(?:[\[(]?\s*\d{1,4}(?!\d)\s*[\])]?\s*(?:[|,·•]|\.\.\.|…)?\s*){2,}"
    rf"(?:(?:{_PAGE_WORD})\b\s*[»›>|]*\s*|[»›>]+\s*)*$"
    rf"|^(?:[^\W\d][\w ]{{0,29}}:\s*)?pages?\s*\d+\s*(?:of|/)\s*\d+\s*[|·•]?\s*(?:{_PAGE_WORD})\b\s*[»›>]*$",
    re.IGNORECASE)
#: How a row of page links ends: a number, an arrow or bracket, or one of its words.
_PAGE_ENDS = ("first", "last", "prev", "previous", "next", "older", "newer", "more", "page", "pages")
#: A row of page links holds at most this many characters.
PAGINATION_CHARS = 300

#: What forum software prints beside each post about its writer: when they joined and how many
#: posts they have written ("Registered: July 13, 2001 Posts: 1851", after their location or
#: not; "Join Date: May 2008"; "Posts: 443").  The feature is the pair of label and value alone in
#: a short block: a sentence that mentions a registration has words around it.
FORUM_STATS = re.compile(
    r"^(?:[^.!?:]{1,60}:[^.!?:]{1,60}\s)?(?:registered|joined|join date|member since)\s*:?\s*[\w ,./-]{3,30}?"
    r"\s+posts\s*:\s*\d[\d,.]*$"
    r"|^(?:registered|joined|join date|member since)\s*:\s*[\w ,./-]{3,20}$|^posts\s*:\s*\d[\d,.]*$", re.IGNORECASE)
#: A forum's line about a poster holds at most this many characters.
FORUM_STATS_CHARS = 120

#: A post's link to the one before or after it, with that post's title: "Next Post: <title>",
#: "Previous story: <title>" (the title the whole text of a link, see :func:`_post_link`).
POST_LINK = re.compile(r"^(?:previous|next|prev|older|newer)\s+(?:story|post|article|entry)\s*:\s*(\S.*)$",
                       re.IGNORECASE)
#: What a block that is a site link holds outside its link: the label's words alone ("Go to <top
#: of page>", "Back to <ACNFP> page", "[ <Back to the home page> ]").
NAV_LABEL = re.compile(r"^[\W_]*(?:(?:go|back|return|to|the|page|click here)\b[\W_]*)*$", re.IGNORECASE)

#: A blog's post navigation: "« Older post title | Main | Newer post title »".
POST_NAVIGATION = re.compile(r"^«.{0,200}\|\s*(?:main|home|index)\s*\|.{0,200}»$", re.IGNORECASE)
#: A month's calendar (a blog's archive widget) has a cell for each day: at least this many.
CALENDAR_DAYS = 28
#: ... and little else: this share of its cells with text are day numbers or weekday names.
CALENDAR_SHARE = 0.8
_WEEKDAY = re.compile(r"^(?:mo|tu|we|th|fr|sa|su|mon|tue|wed|thu|fri|sat|sun|[mtwfs]|lun|mar|mer|jeu|ven|sam|dim|"
                      r"di|mi|do|so)\.?$", re.IGNORECASE)

BLOCKS = ("p", "div", "li", "dd", "dt", "h2", "h3", "h4", "h5", "h6", "figcaption")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def clean(article: HtmlElement) -> None:
    """Remove controls, calls to action, ratings and lists of other articles, captions
    repeated, indexes of dated pages, and the headings then left at the end."""
    _unmarked_comments(article)  # (first: the post-meta rules below remove lines it counts)
    dated = _controls(article)
    _edit_controls(article)
    _contents_boxes(article)
    _profile_boxes(article)
    _breadcrumbs(article)
    _other_articles(article)
    _comment_sections(article)
    _captions(article)
    _calendars(article)
    if dated >= DATE_INDEX_MIN:
        _date_indexes(article)
    _hidden_copies(article)
    _closing_headings(article)


#: A paragraph at least this long found twice in the article is one text shown twice.
REPEAT_CHARS = 80
#: Class names that hide a block from view (a stylesheet's "display: none").
HIDDEN_CLASS = re.compile(r"(?:^|\s)(?:hidden|hide|is-hidden|d-none|display-none)(?:\s|$)", re.IGNORECASE)


def _hidden_copies(article: HtmlElement) -> None:
    """A page that holds its article twice, one copy hidden by a class for another layout (a
    subscriber's snippet beside the story), gives the reader each paragraph twice.  The
    feature is the pair: a paragraph of at least :data:`REPEAT_CHARS` characters found word
    for word elsewhere in the article, inside a block whose class hides it; that copy goes.
    (A paragraph repeated without a hiding class stays: the corpus's references keep such
    repeats, a page shown twice in full, a forum's signature under each post.)"""
    count: dict[str, int] = {}
    paragraphs = []
    for p in article.iter("p"):
        text = inner_text(p)
        if len(text) >= REPEAT_CHARS:
            count[text] = count.get(text, 0) + 1
            paragraphs.append((p, text))
    if len(count) == len(paragraphs):
        return  # nothing repeated: the common case, decided without looking at classes
    for p, text in paragraphs:
        if count[text] < 2 or p.getparent() is None:
            continue
        hidden = next((a for a in p.iterancestors() if HIDDEN_CLASS.search(a.get("class") or "")), None)
        if hidden is not None and any(a is article for a in hidden.iterancestors()):
            count[text] -= 1
            _remove(p)


def _calendars(article: HtmlElement) -> None:
    """A month's calendar (a blog's archive widget: the month, the weekdays, a cell for each day)
    is the site's, never the article's words.  The feature: a table with at least
    :data:`CALENDAR_DAYS` cells that are day numbers (1 to 31), and little else.  So is a
    ranking's numbers left without their entries (a "Most read" box its script fills in): a
    table whose cells are 1, 2, 3 ... in order and nothing else, :data:`RANKING_MIN` at least."""
    for table in list(article.iter("table")):
        if table.getparent() is None:
            continue
        cells = [inner_text(c) for c in table.iter("td", "th")]
        cells = [c for c in cells if c]
        days = sum(1 for c in cells if c.isdigit() and 1 <= int(c) <= 31)
        weekdays = sum(1 for c in cells if _WEEKDAY.match(c))
        if days >= CALENDAR_DAYS and days + weekdays >= CALENDAR_SHARE * len(cells) \
                or len(cells) >= RANKING_MIN and cells == [str(n) for n in range(1, len(cells) + 1)]:
            _remove(table)


#: Numbers a ranking left without its entries counts at least.
RANKING_MIN = 3


#: A date and nothing else, as an index of dated pages prints it: "Tuesday | Sept 3, 2002",
#: "10th Oct 2007", "2007-10-10".
_DATE_ONLY = re.compile(
    r"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day\s*[,|·•-]?\s*)?"
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4})$", re.IGNORECASE)
#: Dates an index of dated pages lists at least.
DATE_INDEX_MIN = 4
#: A text longer than this (white space included) is no date alone.
DATE_CHARS = 60


_DIGIT = re.compile(r"\d")


def _is_date(text: str) -> bool:
    """Whether ``text`` is a date alone (:data:`_DATE_ONLY`); its first character a digit or a
    letter that opens a weekday or a month, tested before the pattern (most texts fail there)."""
    if _DIGIT.search(text) is None:
        return False  # (most texts: told in C)
    text = " ".join(text.split())
    return bool(text) and (text[0].isdigit() or text[0] in "ADFJMNOSTWadfjmnostw") and _DATE_ONLY.match(text) is not None


def _date_indexes(article: HtmlElement, linked: bool = False) -> None:
    """An index of dated pages (a blog's archive of post dates, a gallery's thumbnails each
    under its date) is the site's way to other pages, never the article's words.  The feature:
    a block whose every text is a date alone (:data:`_DATE_ONLY`), at least
    :data:`DATE_INDEX_MIN` of them; the largest such block goes.  (An article's own dates sit in
    sentences, a dateline, or a table beside other columns.)  Called only when :func:`_controls`
    read that many dates alone on its way (in blocks or links); then one walk, innermost first,
    counts each element's date texts and other texts.  With ``linked`` (a page kept whole, maybe an
    author's draft) only an index whose dates are links, one for each at least, goes."""
    counts: dict[HtmlElement, tuple[int, int]] = {}
    found = False
    for _event, el in etree.iterwalk(article, events=("end",)):
        if not isinstance(el.tag, str):
            continue  # a comment: its text is no one's (its tail is its parent's)
        dates = others = 0
        for text in (el.text, *(c.tail for c in el)):
            if text and not text.isspace():
                if len(text) <= DATE_CHARS and _is_date(text):
                    dates += 1
                else:
                    others += 1
        for child in el:
            d, o = counts.get(child, (0, 0))
            dates, others = dates + d, others + o
        counts[el] = (dates, others)
        found = found or dates >= DATE_INDEX_MIN and not others
    if not found:
        return  # the common case: no index
    for el in list(article.iter(etree.Element)):
        dates, others = counts.get(el, (0, 0))
        parent = el.getparent()
        if el is article or parent is None or others or dates < DATE_INDEX_MIN:
            continue
        if parent is not article and not counts.get(parent, (0, 1))[1]:
            continue  # inside a larger index, which goes whole
        if linked and sum(1 for _ in href_links(el)) < dates:
            continue
        _remove(el)


#: Media that are content without words: a heading above one heads something.
_MEDIA = ("img", "picture", "svg", "video", "audio", "iframe", "object", "embed", "math")


def _closing_headings(article: HtmlElement) -> None:
    """A heading that ends the article heads nothing: what it headed (a "Related stories"
    list, "Featured posts", a comment thread) was furniture and went above, and the heading
    alone would close the publication's article ("You might also like").  The feature: a
    heading with no text nor picture after it in the article; each such heading goes, the
    one before it too when it is then last.  An article of headings alone (a page of
    headlines) keeps them: there the headings are the content."""
    for _ in range(3):  # ("More from us" over "Featured stories": rarely more than two)
        heading = _last_content(article)
        if heading is None or not _content_before(heading, article):
            return
        _remove(heading)


def _content_before(el: HtmlElement, article: HtmlElement) -> bool:
    """Whether ``article`` holds text or a picture before ``el`` other than headings, looked
    for from ``el`` backwards (most often found at the first step)."""
    node = el
    while node is not article:
        for sib in node.itersiblings(preceding=True):
            if sib.tail and not sib.tail.isspace():
                return True
            if isinstance(sib.tag, str) and sib.tag not in _HEADINGS and (
                    sib.tag in _MEDIA or has_words(sib) or next(sib.iter(*_MEDIA), None) is not None):
                return True
        parent = node.getparent()
        if parent is None:
            return False
        if parent.text and not parent.text.isspace():
            return True
        node = parent
    return False


def _last_content(article: HtmlElement) -> HtmlElement | None:
    """The heading that holds the last text or picture of ``article``, or None when that
    content lies outside any heading.  Read from the end backwards, depth first, each node
    once and only as far back as the last content: linear in the article, however deep its
    wrappers (a test of each child's words on the way down would read a deep chain once per
    level)."""
    owner = _last_owner(article)
    for el in (owner, *owner.iterancestors()) if owner is not None else ():
        if el is article:
            break
        if el.tag in _HEADINGS:
            return el
    return None


def _last_owner(article: HtmlElement) -> HtmlElement | None:
    """The element whose own text, child's tail or picture is the last content of ``article``."""
    path, pending = [article], [reversed(article)]
    while pending:
        child = next(pending[-1], None)
        if child is None:  # every child read: the element's own text is what comes before them
            el = path.pop()
            pending.pop()
            if el.text and not el.text.isspace():
                return el
            continue
        if child.tail and not child.tail.isspace():
            return path[-1]  # text after ``child``, in its parent
        if not isinstance(child.tag, str):
            continue
        if child.tag in _MEDIA:
            return child
        path.append(child)
        pending.append(reversed(child))
    return None


def clean_unfurnished(page: HtmlElement) -> None:
    """On a page kept whole (no furniture markup, not a word processor's export), which may be
    an author's own draft: only the site's navigation, a lone "Back to ..." or "Go to top of
    page" link, a bar-separated row of site links, a "last updated" footer, a breadcrumb, and
    an index of dated pages whose dates are links.  Single words that are controls on a web
    page ("More", "Caption", "Like") are left alone: in a draft they may be the author's,
    and lists of other articles and repeated captions
    are judged only inside an extracted article."""
    if _controls(page, site_only=True) >= DATE_INDEX_MIN:
        _date_indexes(page, linked=True)
    _edit_controls(page)
    _breadcrumbs(page)


def _controls(article: HtmlElement, site_only: bool = False) -> int:
    """Remove controls, calls to action, post-meta and site lines (see the patterns above).
    Returns how many of the blocks and links read on the way are a date alone: a hint for
    :func:`_date_indexes`, which walks the article only when there may be an index."""
    dated = 0
    # Each parent's text is read once, not once per link in it: a paragraph of many links
    # would cost time quadratic in its length.  (A removal below never makes a parent read
    # earlier hold nothing but one later link: its earlier link with text is still there.)
    # A parent longer than any link compared with it (under 80 characters) is not read at all.
    parent_text: dict[HtmlElement, str | None] = {}
    for a in list(article.iter("a")):
        own = a.text  # (a link's own text is read without serialising it)
        if own and len(a) == 0 and len(own) <= DATE_CHARS and _is_date(own):
            dated += 1
        if not site_only and len(a) == 1 and a[0].tag == "img" and _icon_control(a):
            _remove(a)
            continue
        parent = a.getparent()
        while parent is not None and parent.tag in _LINK_WRAPPERS and parent is not article:
            parent = parent.getparent()  # (a link set in a font or in bold: the block around them)
        if parent is None or parent.tag not in ("p", "div", "span", "center"):
            continue
        text = inner_text(a)
        if text and len(text) < 80 and parent not in parent_text:
            parent_text[parent] = short_text(parent, 80)
        if text and len(text) < 80 and _alone(parent_text[parent], text) and _lone_link_goes(text, site_only):
            _remove(parent if parent is not article else a)  # a paragraph that is one call-to-action link
    _line_links(article, site_only)
    # Every test below is of a text of at most 400 characters (240 on a page kept whole).
    limit = 240 if site_only else 400
    for el in list(article.iter(*BLOCKS)):
        if el.getparent() is None or el is article:
            continue
        block = short_text(el, limit)
        if block and len(block) <= DATE_CHARS and _is_date(block):
            dated += 1
        if block and (len(block) <= 60 and not site_only and CONTROL.match(block)
                      and not (el.tag in _HEADINGS and MEDIA_LABEL.match(block))
                      or len(block) <= 80 and el.tag not in _HEADINGS
                      and (LAST_UPDATED.match(block) or PAGE_COPYRIGHT.match(block))
                      or len(block) <= 120 and el.tag not in _HEADINGS and DANGLING_BY.match(block)):
            _remove(el)
        elif block and len(block) <= 400 and POST_META.match(block):
            _keep_attribution(el, block)
        elif not site_only and el.tag not in _HEADINGS and (
                block and len(block) <= 400 and (
                    FEED_NOTICE.match(block) or POST_NAVIGATION.match(block) or _category_line(el, block)
                    or len(block) <= 80 and _nav_block(el, block) or len(block) <= 200 and _post_link(el, block)
                    or len(block) <= 120 and (_share_row(block) or POWERED_BY.match(block))
                    or len(block) <= FORUM_STATS_CHARS and ":" in block and FORUM_STATS.match(block)
                    or len(block) <= PAGINATION_CHARS and _pagination(el, block)
                    or len(block) <= MEDIA_TEASER_CHARS and _media_teaser(el, block)
                    or len(block) <= 160 and EXTERNAL_SITES.search(block)
                    or len(block) <= SIGN_UP_CHARS and _site_line(block)
                    or len(block) <= TEASER_CHARS and ("..." in block or "…" in block) and _cut_teaser(el, block)
                    or "|" in block and _link_row(el, block))
                or (block is None or len(block) > 400) and _long_category_line(el, block)):
            _remove(el)
    if site_only:
        return dated
    for el in list(article.iter("ul", "ol", "div", "p")):
        if el.getparent() is None or el is article:
            continue
        entries = [c for c in el if isinstance(c.tag, str)]
        if len(entries) < 2 or (el.text or "").strip() or any((c.tail or "").strip() for c in el):
            continue  # running text between the entries: not a toolbar
        if _all_controls(entries):
            _remove(el)  # a toolbar: every entry a control
    return dated


#: Inline elements that pages of the 2000s set a lone link in ("<div><font><a>Return To Index
#: Page</a></font></div>"): a block holding the link in them alone holds the link alone.
_LINK_WRAPPERS = frozenset(("font", "b", "strong", "i", "em", "small", "big", "u"))


#: Words of a picture's own controls ("Click to enlarge", "View full size", "Photo"): a link of one
#: picture whose text alternative says so is the article's picture, not a tool.
_PICTURE_WORDS = re.compile(r"enlarge|size|larger|image|photo|picture|slide|gallery|caption|foto|bild", re.IGNORECASE)


def _icon_control(a: HtmlElement) -> bool:
    """Whether link ``a``, one picture and no words, is a tool's icon: the picture's text
    alternative is a control (:data:`CONTROL`: "Printer Friendly Page", "Send this Article to a
    Friend"), not one of a picture's own (:data:`_PICTURE_WORDS`)."""
    if (a.text and not a.text.isspace()) or (a[0].tail and not a[0].tail.isspace()):
        return False
    alt = " ".join((a[0].get("alt") or "").split())
    return bool(alt) and len(alt) <= 60 and CONTROL.match(alt) is not None and _PICTURE_WORDS.search(alt) is None


def _line_links(article: HtmlElement, site_only: bool) -> None:
    """A control or site link on a line of its own made with ``<br>`` goes, as a paragraph
    that is one such link does; so does a ``span`` on a line of its own that is a toolbar of
    controls ("Print News | Mail News"), and one that is a post-meta line keeps its attribution,
    as such a block does (pages of the 2000s set a post's lines as spans between ``<br>``s, where
    the block tests of :func:`_controls` do not reach).  The links and spans beside a ``<br>``
    are found from the ``<br>``s (far fewer than the links on most pages)."""
    candidates: list[HtmlElement] = []
    for br in article.iter("br"):
        before, after = br.getprevious(), br.getnext()
        if before is not None and before.tag in ("a", "span"):
            candidates.append(before)
        if after is not None and after.tag in ("a", "span") and not (br.tail and not br.tail.isspace()):
            candidates.append(after)
    for el in candidates:
        parent = el.getparent()
        if parent is None or not _own_line(el, parent):
            continue  # (gone already: an element between two <br>s is found twice)
        if el.tag == "a":
            text = inner_text(el)
            if text and len(text) < 80 and _lone_link_goes(text, site_only):
                _remove(el)
            continue
        line = short_text(el, LINE_CHARS)
        if site_only or not line or len(line) > LINE_CHARS:
            continue
        if len(line) <= 60 and CONTROL.match(line):
            _remove(el)
        elif POST_META.match(line):
            _keep_attribution(el, line)


#: A span on a line of its own is tested as a toolbar or post-meta line up to this many characters.
LINE_CHARS = 200


def _alone(block: str | None, text: str) -> bool:
    """Whether a block of text ``block`` holds the link of text ``text`` and nothing else but
    the square brackets a site may set around its links ("[Skip to navigation]")."""
    return block == text or block is not None and block[:1] == "[" and block.strip("[] ") == text


def _lone_link_goes(text: str, site_only: bool) -> bool:
    """Whether a link standing alone (a paragraph, or a line of its own), of text ``text``, is
    furniture: a site link (:data:`NAV`) anywhere, a control (:data:`CONTROL`) only inside an
    extracted article (on a page kept whole a single control word may be the author's)."""
    return NAV.match(text) is not None or not site_only and CONTROL.match(text) is not None


def _own_line(a: HtmlElement, parent: HtmlElement) -> bool:
    """Whether link ``a`` stands on a line of its own made with ``<br>`` (pages of the 2000s
    set their "Click to subscribe" and "Back to top" lines so, in a table cell): a ``<br>``
    on one side at least, nothing but white space between the link and it, nor between the
    link and a ``<br>`` or its parent's edge on the other side."""
    if a.tail and not a.tail.isspace():
        return False
    after, before = a.getnext(), a.getprevious()
    if after is not None and after.tag != "br":
        return False
    if before is None:
        return after is not None and not (parent.text and not parent.text.isspace())
    return before.tag == "br" and not (before.tail and not before.tail.isspace())


def _media_teaser(el: HtmlElement, text: str) -> bool:
    """A teaser of another page (:data:`MEDIA_TEASER`): a block whose whole text is one link's,
    opening with the kind of page it leads to and a colon; or a headline (no sentence's end)
    followed by a link that calls to watch (:data:`WATCH_CALL`) and nothing after it."""
    labelled = ":" in text[:40] and MEDIA_TEASER.match(text) is not None
    if not labelled and not text.lower().endswith(_WATCH_ENDS):
        return False  # (most blocks: told in C, before their links are read)
    links = list(href_links(el))
    if not links:
        return False
    if labelled and len(links) == 1 and inner_text(links[0]) == text:
        return True
    label = inner_text(links[-1])
    if not WATCH_CALL.match(label) or not text.endswith(label):
        return False
    before = text[:-len(label)].rstrip()
    return bool(before) and before[-1] not in ".!?:"


def _pagination(el: HtmlElement, text: str) -> bool:
    """A row of page links (:data:`PAGINATION`), its numbers rising, with one link to another
    page at least: a line of numbers alone without links may be the article's (a row of
    figures, which need not rise), and one of in-page links a row of note references."""
    if not (text[-1].isdigit() or text[-1] in "»›>])" or text.lower().endswith(_PAGE_ENDS)) \
            or PAGINATION.match(text) is None:
        return False  # (most blocks: told by their last character, in C)
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    return all(a < b for a, b in pairwise(numbers)) \
        and any(not (a.get("href") or "").startswith("#") for a in href_links(el))


def _nav_block(el: HtmlElement, text: str) -> bool:
    """A block whose text is a site link (:data:`NAV`) of which the link is only a part: "Go to
    <top of page>", "Back to <ACNFP> page" (a lone link is judged in :func:`_controls`).  The
    feature: the block's text is a site link's and what it holds outside its links is the
    label's words alone (:data:`NAV_LABEL`)."""
    if NAV.match(text) is None:
        return False
    outside, linked = text, False
    for a in href_links(el):
        linked = True
        outside = outside.replace(inner_text(a), " ", 1)
    return linked and NAV_LABEL.match(outside) is not None


def _post_link(el: HtmlElement, text: str) -> bool:
    """A link to the post before or after this one, with its title (:data:`POST_LINK`): the title
    is the whole text of a link."""
    found = POST_LINK.match(text)
    return found is not None and _all_links(el, [found.group(1).strip()])


def _share_row(text: str) -> bool:
    """Whether ``text`` is a row of sharing services (:data:`SHARE_ROW`), none named twice."""
    if not SHARE_ROW.match(text):
        return False
    names = re.findall(r"[\w.+]+", text.split(":")[-1].lower())
    return len(set(names)) == len(names)


def _all_controls(entries: list[HtmlElement]) -> bool:
    """Whether every entry with text is a control, and one at least has text.  The entries are
    read until the first that is not (a block of the article's own, often long)."""
    found = False
    for entry in entries:
        text = inner_text(entry)
        if text:
            if not CONTROL.match(text):
                return False
            found = True
    return found


#: A category or tag line may list a few dozen of them: read up to this many characters.
CATEGORY_CHARS = 1200


def _long_category_line(el: HtmlElement, text: str | None) -> bool:
    """A category or tag line too long for the other tests (a post filed under thirty
    categories): told first by the block's opening text, its own or its first child's (a
    label in bold), read without serialising the block, then as :func:`_category_line`."""
    own = el.text
    if (not own or own.isspace()) and len(el) and isinstance(el[0].tag, str):
        own = el[0].text
    if not own or CATEGORY_LABEL.match(" ".join(own[:200].split()) + " ") is None:  # (a label opens it)
        return False
    text = text or short_text(el, CATEGORY_CHARS)  # (``text``: the block's, when read already)
    return text is not None and _category_line(el, text)


def _category_line(el: HtmlElement, text: str) -> bool:
    """A blog's category or tag line ("Posted in Travel, Food | Leave a comment"): a label
    (:data:`CATEGORY_LABEL`) and then a list made, for the most part, of links (the site's
    category pages).  The feature is the pair: the label alone may open a dateline, and
    links alone are the article's own."""
    label = CATEGORY_LABEL.match(text)
    if label is None:
        return False
    listed = re.split(r"\.\s|\|", text[label.end():], maxsplit=1)[0]
    chars = len(re.sub(r"[\s,;:/]", "", listed))
    if not chars:
        return False
    anchors = (inner_text(a) for a in href_links(el))
    linked = sum(len(re.sub(r"[\s,;:/]", "", a)) for a in anchors if a in listed)
    return linked >= CATEGORY_LINK_SHARE * chars


def _edit_controls(article: HtmlElement) -> None:
    """A reference page's "[edit]" links in its headings go, with their brackets: otherwise
    every heading, and so every entry of the contents, reads "History[edit]".  The feature:
    a link inside a heading whose whole text (with its wrapper's brackets) is an edit control."""
    for heading in list(article.iter(*_HEADINGS)):
        for a in list(heading.iter("a")):
            text = inner_text(a)
            if not EDIT_CONTROL.match(text):
                continue
            box = a
            while box.getparent() is not None and box.getparent() is not heading \
                    and EDIT_CONTROL.match(inner_text(box.getparent())):
                box = box.getparent()
            _strip_brackets(box)
            _remove(box)


#: Entries an in-page contents list has at least; its box, once the list is gone, holds at most
#: this many characters (its "Contents" heading, a "hide" toggle).
CONTENTS_MIN_ENTRIES, CONTENTS_BOX_CHARS = 3, 40
#: Share of a contents list's links that lead to a heading still in the article.
CONTENTS_SHARE = 0.6


def _contents_boxes(article: HtmlElement) -> None:
    """A page's own contents box goes: the publication makes its contents from the headings,
    and the box's links are dead once its page is gone.  The feature: a list of at least three
    in-page links and no other words, most of them to a heading of the same article (or an
    element inside one); its box goes with it when nothing else is left in it."""
    targets = {el.get("id") for h in article.iter(*_HEADINGS) for el in h.iter() if el.get("id")}
    if len(targets) < CONTENTS_MIN_ENTRIES:
        return
    for box in list(article.iter("ul", "ol")):
        if box.getparent() is None or any(a.tag in ("ul", "ol") for a in box.iterancestors()):
            continue  # gone already, or a nested list of a contents list
        links = list(box.iter("a"))
        hrefs = [(a.get("href") or "").strip() for a in links]
        if len(links) < CONTENTS_MIN_ENTRIES or not all(h.startswith("#") for h in hrefs) \
                or sum(h[1:] in targets for h in hrefs) < CONTENTS_SHARE * len(hrefs):
            continue  # (some of a contents' headings may have gone with the furniture)
        if _letters(box) > sum(_letters(a) for a in links):
            continue  # words besides the links: a list of the article's own, not its contents
        parent = box.getparent()
        _remove(box)
        while parent is not None and parent is not article and len(inner_text(parent)) <= CONTENTS_BOX_CHARS:
            grand = parent.getparent()
            _remove(parent)
            parent = grand


#: Classes of a box about the author ("author-box", "bio", "profile", "about the author").
PROFILE = re.compile(r"author[-_ ]?(?:box|bio|info|profile|card|details|about|block|wrap)|about[-_ ]?(?:the[-_ ]?)?"
                     r"author|(?:^|[\s_-])bio(?:graphy)?(?:[\s_-]|$)|profile[-_ ]?(?:box|card)|user[-_ ]?profile",
                     re.IGNORECASE)
#: Classes that name a biography outright ("author-bio", "about-author"): such a box needs no
#: photo to be known ("author-info" or "author-details" may hold the byline and date alone).
BIO = re.compile(r"author[-_ ]?bio|about[-_ ]?(?:the[-_ ]?)?author|(?:^|[\s_-])bio(?:graphy)?(?:[\s_-]|$)",
                 re.IGNORECASE)
#: A heading in a profile box is the person's name ("Cristi", "About Becky"), no longer than this.
PROFILE_NAME_CHARS = 40
#: A profile box is short: a photo and a few lines about the person.
PROFILE_CHARS = 500
PROFILE_HEADED_CHARS = 1500
#: The heading of a box about the author or the blog ("About the author", "Author: Ana Stone",
#: "About this blog"): such a box needs no class name or photo to be known, and may hold a
#: longer biography (up to :data:`PROFILE_HEADED_CHARS`).
PROFILE_HEADING = re.compile(r"^(?:about (?:the |this )?(?:authors?|writers?|blog(?:ger)?|columnist)|authors?\s*:"
                             r"|(?:the )?authors?$)", re.IGNORECASE)


def _profile_boxes(article: HtmlElement) -> None:
    """A box about the author (a photo and a few lines on who they are) is the site's, not the
    article's.  The feature: a block whose class or id names an author box, bio or profile,
    holding a picture (or named a bio outright, :data:`BIO`), no heading longer than a name
    and under :data:`PROFILE_CHARS` characters, a small part of the article; or a block under :data:`PROFILE_HEADED_CHARS` that opens with a heading naming
    such a box ("About the author", "Author: Ana Stone")."""
    total = readable_chars(article)
    for el in list(article.iter("div", "section", "aside")):
        if el is article or el.getparent() is None:
            continue
        if _headed_profile(el):
            chars = readable_chars(el)
            if chars < PROFILE_HEADED_CHARS and chars < 0.5 * total:  # (its heading says what it is;
                _remove(el)                                          # a page that is all profile stays)
            continue
        names = f"{el.get('class') or ''} {el.get('id') or ''}"
        if not PROFILE.search(names) or el.find(".//img") is None and not BIO.search(names) \
                or any(len(inner_text(h)) > PROFILE_NAME_CHARS for h in el.iter("h1", "h2", "h3")):
            continue  # (a post of its own has a title; a box about its author at most the author's name)
        chars = readable_chars(el)
        if chars < PROFILE_CHARS and chars < 0.3 * total:
            _remove(el)


def _headed_profile(el: HtmlElement) -> bool:
    """Whether the first text of ``el`` (after a photo, say) is a heading that names a box
    about the author or the blog (:data:`PROFILE_HEADING`)."""
    for node in el.iter():
        if node is not el and node.tag in _HEADINGS:
            return PROFILE_HEADING.match(inner_text(node)) is not None
        if (node.text or "").strip() or node is not el and (node.tail or "").strip():
            return False
    return False


def _letters(el: HtmlElement) -> int:
    """Characters of ``el``'s text other than white space."""
    return letters(text_content(el))


def _strip_brackets(el: HtmlElement) -> None:
    """The "[" written just before ``el`` and the "]" just after it."""
    tail = el.tail or ""
    if tail.lstrip().startswith("]"):
        el.tail = tail.lstrip()[1:]
    prev, parent = el.getprevious(), el.getparent()
    if prev is not None and (prev.tail or "").rstrip().endswith("["):
        prev.tail = (prev.tail or "").rstrip()[:-1]
    elif prev is None and parent is not None and (parent.text or "").rstrip().endswith("["):
        parent.text = (parent.text or "").rstrip()[:-1]


def _keep_attribution(el: HtmlElement, text: str) -> None:
    """A post-meta line keeps who posted and when ("Posted by Ana at 9:41 PM", "Tuesday
    December 26, 2006"), the only attribution a post on a page of several has; its controls,
    category and tags go."""
    kept = []
    for segment in re.split(r"\s*[|·•]\s*", text):
        found = _POSTED.match(segment)
        if found:
            kept.append(found.group(0).strip())
        elif _DATED.match(segment):
            kept.append(segment.strip())
    if not kept:
        _remove(el)
        return
    tail, attrib = el.tail, dict(el.attrib)
    el.clear()
    el.attrib.update(attrib)
    el.text, el.tail = " ".join(kept), tail


def _breadcrumbs(article: HtmlElement) -> None:
    """A short block that starts at the site's home and leads, through linked sections, to
    this page: a trail of links, not the article's words."""
    for el in list(article.iter("p", "div", "ol", "ul", "nav")):
        if el.getparent() is None or el is article:
            continue
        text = short_text(el, 200)
        if not text or len(text) > 200:
            continue
        if not BREADCRUMB_START.match(text):
            if _trail(el, text):
                _remove(el)
            continue
        links = list(href_links(el))
        if len(links) >= 2 and len(re.findall(_CRUMB_SEP, text)) >= 2 and link_density(el, len(text)) > 0.15:
            _remove(el)


#: The arrows between the parts of a trail that opens with no "Home" (a slash, a bar or a colon
#: separate other lists too), and a label before such a trail ("Full list of categories:").
_TRAIL_SEP = re.compile(r"\s*[>»›→]\s*")
_TRAIL_LABEL = re.compile(r"^[^:>»›→]{1,40}:\s*")


def _trail(el: HtmlElement, text: str) -> bool:
    """A trail of links that does not open with the site's home: a forum's "Site Forum >
    Community > Cafe > Thread", a post's "Categories: Food » Travel » Maps".  The feature: three
    or more parts separated by arrows, after a label or not, every part but the last the whole
    text of a link (the last may be the page's own title, unlinked)."""
    if not (">" in text or "»" in text or "›" in text or "→" in text):
        return False  # (most blocks: told in C)
    parts = _TRAIL_SEP.split(_TRAIL_LABEL.sub("", text, count=1))
    return len(parts) >= 3 and all(parts) and _all_links(el, parts[:-1])


#: Links a row of the site's sections holds at least ("Jobs | Property | Motors | Dating | Money").
LINK_ROW_MIN = 4


def _link_row(el: HtmlElement, text: str) -> bool:
    """A row of links to the site's sections, separated by bars, after a label or not ("News:
    ePaper | Front Page | National | ..."): every part the whole text of a link,
    :data:`LINK_ROW_MIN` of them at least."""
    if text.count("|") < LINK_ROW_MIN - 1:
        return False  # (most blocks: told in C)
    parts = [" ".join(p.split()) for p in _TRAIL_LABEL.sub("", text, count=1).split("|")]
    return all(parts) and _all_links(el, parts)


def _all_links(el: HtmlElement, parts: list[str]) -> bool:
    """Whether each of ``parts`` (a trail's or a row's texts) is the whole text of a link in ``el``."""
    links = {inner_text(a) for a in href_links(el)}
    return all(part in links for part in parts)


def _comment_sections(article: HtmlElement) -> None:
    """A comment section's heading with nothing of its own under it (the comments were
    furniture and went), or only a sign-in prompt: the heading goes too."""
    for heading, following in _comment_headings(article):
        # "You must be logged in to post a comment.", or nothing at all
        if sum(readable_chars(el) for el in following) <= 120:
            for el in following:
                _remove(el)
            _remove(heading)


def _comment_headings(article: HtmlElement) -> Iterator[tuple[HtmlElement, list[HtmlElement]]]:
    """Each comment section's heading (:data:`COMMENT_HEADING`, ``h2`` to ``h6``) still in
    ``article`` when its turn comes, with the elements after it up to the next heading of its
    rank or higher."""
    for heading in list(article.iter(*_HEADINGS[1:])):
        if heading.getparent() is None or not COMMENT_HEADING.match(inner_text(heading)):
            continue
        following: list[HtmlElement] = []
        sib = heading.getnext()
        while sib is not None and not (sib.tag in _HEADINGS and sib.tag <= heading.tag):
            if isinstance(sib.tag, str):
                following.append(sib)
            sib = sib.getnext()
        yield heading, following


#: A line that attributes a reader's comment: "Posted by: Ana | 21 March 2007 5:10 AM", "Ana said...",
#: "Ana says:", "Ana wrote:", or a time of day.
COMMENT_ATTRIBUTION = re.compile(
    r"^(?:posted|written|submitted|added)\s+by\b|\b(?:said|says|wrote)\s*(?:\.\.\.|…|:)?$"
    r"|\b\d{1,2}:\d{2}(?::\d{2})?\b", re.IGNORECASE)
#: An attribution line is short: a comment's own text is not one.
ATTRIBUTION_MAX = 150
#: A comment section's heading counts only after this much of the article's text (a page that
#: opens with its "Comments" is not an article followed by its comments).
COMMENTS_AFTER_CHARS = 200


def _unmarked_comments(article: HtmlElement) -> None:
    """Readers' comments set as plain paragraphs under a "Comments" heading, with no comment
    markup for the extractor's unlikely-block test to see: the heading (:data:`COMMENT_HEADING`)
    comes after the article's text, and what follows it up to the next heading of its rank
    holds two or more short attribution lines (:data:`COMMENT_ATTRIBUTION`).  That section's
    content goes; the heading, left empty, goes with :func:`_comment_sections`."""
    for heading, section in [*_comment_headings(article), *_comment_anchors(article)]:
        if heading.getparent() is None:
            continue
        attributions: set[str] = set()  # (a set: a line in a div in a div is one line)
        for el in section:
            for line in el.iter("p", "div", "dt", "dd", "li", "span", "cite"):
                text = inner_text(line)
                if 0 < len(text) <= ATTRIBUTION_MAX and COMMENT_ATTRIBUTION.search(text):
                    attributions.add(text)
        if len(attributions) >= 2 and _letters_before(heading, article) >= COMMENTS_AFTER_CHARS:
            for el in section:
                _remove(el)


#: The names a page gives the anchor its "N comments" link leads to, where its thread starts.
COMMENT_ANCHOR = re.compile(r"^(?:comments?|respond|responses|discussion)$", re.IGNORECASE)


def _comment_anchors(article: HtmlElement) -> Iterator[tuple[HtmlElement, list[HtmlElement]]]:
    """Each empty anchor named for a comment thread (:data:`COMMENT_ANCHOR`, ``<a name="comments">``)
    still in ``article``, with the elements after it in its parent (or, when it ends its
    parent, a toolbar's last link say, after the nearest ancestor followed by any)."""
    for a in list(article.iter("a")):
        name = a.get("name") or a.get("id")
        if not name or a.get("href") or not COMMENT_ANCHOR.match(name) or has_words(a):
            continue
        node: HtmlElement | None = a
        following: list[HtmlElement] = []
        while node is not None and node is not article and not following:
            following = [sib for sib in node.itersiblings() if isinstance(sib.tag, str)]
            node = node.getparent()
        yield a, following


def _letters_before(el: HtmlElement, root: HtmlElement) -> int:
    """Characters other than white space in ``root``'s text before ``el``."""
    count = 0
    node = el
    while node is not root:
        parent = node.getparent()
        if parent is None:
            break
        for sib in node.itersiblings(preceding=True):
            count += letters(text_content(sib)) + letters(sib.tail or "")
        count += letters(parent.text or "")
        node = parent
    return count


def _other_articles(article: HtmlElement) -> None:
    """A "Most read" / "Related stories" heading and the list of links under it.  The heading
    may be drawn as a picture (sites of the 2000s set their box titles in images): then its
    text alternative is its text."""
    for heading in list(article.iter("h2", "h3", "h4", "h5", "h6", "p", "div", "strong")):
        if heading.getparent() is None:
            continue
        text = short_text(heading, 40) or _pictured_label(heading)
        if not text or len(text) > 40 or not OTHER_ARTICLES.match(text):
            continue
        following = heading.getnext()
        while following is not None and not isinstance(following.tag, str):
            following = following.getnext()
        if following is not None and (following.tag in ("ul", "ol", "div", "table", "p")
                                      and link_density(following) > 0.5  # (a paragraph of links one per line, too)
                                      or _teasers(following)):
            _remove(following)
            _remove(heading)
        elif heading.tag in ("div",) and heading.find(".//a") is not None and link_density(heading) > 0.5:
            _remove(heading)  # heading and links in one box


#: Items a list of teasers has at least.
TEASERS_MIN = 2


def _teasers(el: HtmlElement) -> bool:
    """Whether ``el`` is a list of teasers, or a box holding one and nothing else: every item
    links to another page, whatever else it says (a date, the other story's first lines), so
    its links may be a small part of its text.  Judged only under a heading that names a
    list of other articles (:data:`OTHER_ARTICLES`): "Recent posts", "Also in Travel"."""
    inner = [c for c in el if isinstance(c.tag, str)]
    if el.tag not in ("ul", "ol") and len(inner) == 1 and inner[0].tag in ("ul", "ol") \
            and not (el.text or "").strip() and not (inner[0].tail or "").strip():
        el, inner = inner[0], [c for c in inner[0] if isinstance(c.tag, str)]
    if el.tag not in ("ul", "ol") or len(inner) < TEASERS_MIN:
        return False
    return all(item.tag == "li" and next(href_links(item), None) is not None for item in inner)


def _pictured_label(el: HtmlElement) -> str:
    """The text alternative of the one picture ``el`` holds, when it holds no words."""
    images = el.findall(".//img")
    return (images[0].get("alt") or "").strip() if len(images) == 1 else ""


def _captions(article: HtmlElement) -> None:
    seen: set[str] = set()
    for caption in list(article.iter("figcaption")):
        text = inner_text(caption)
        if text in seen:
            _remove(caption)  # the same caption again (a gallery's thumbnail strip)
            continue
        seen.add(text)
        for part in caption.iter(tag=None):
            if part is caption or not isinstance(part.tag, str):
                continue
            if CREDIT.search(f"{part.get('class') or ''} {part.get('id') or ''}"):
                continue  # the reader sets the credit apart (html._apart_credits)
            if len(inner_text(part)) > 20:
                seen.add(inner_text(part))  # the caption's own words, without the credit
    for figure in article.iter("figure"):
        tail = figure.tail
        if tail and tail.strip() and not tail[:1].isspace():
            figure.tail = " " + tail
    longest = max(map(len, seen), default=0)
    for el in list(article.iter("p", "div", "span")):
        if el.getparent() is None or not seen:
            continue
        block = short_text(el, longest)  # (a block longer than every caption is none of them)
        if block in seen and el.find(".//img") is None and el.find(".//figcaption") is None and not any(
                a.tag in ("figure", "figcaption") for a in el.iterancestors()):
            _remove(el)  # a caption repeated outside its figure (a gallery's caption layer)
