"""Article metadata from a page: JSON-LD, meta tags, microdata and the byline.

Sources are tried from the most to the least deliberate: JSON-LD (written for
machines), then Open Graph / Dublin Core / ``name`` meta tags, then what the
page shows (``<time>``, ``rel=author``, byline classes).  The manifest
overrides everything here (see :mod:`pubbuild.assemble.publication`).
"""

from __future__ import annotations

import html
import json
import re
from email.utils import parsedate_to_datetime
from urllib.parse import urlparse

from .. import langtag
from ..model import ArticleMeta
from ..urlsafety import safe_source
from .dom import HtmlElement, text_content

_WS = re.compile(r"\s+")
ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "reportagenewsarticle", "report",
                 "scholarlyarticle", "techarticle", "analysisnewsarticle", "opinionnewsarticle",
                 "socialmediaposting", "liveblogposting", "reviewnewsarticle", "backgroundnewsarticle"}
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—»·:/\\]\s+")
SUBTITLE = re.compile(r"(^|[\s_-])(subtitle|sub-title|standfirst|dek|deck|subhead|sub-head|"
                      r"strapline|article-summary|lede|summary)([\s_-]|$)", re.IGNORECASE)


#: A character reference still standing in text the parser has already decoded: the page
#: escaped it twice (``can&amp;#39;t``), and no title means the characters "&#39;".
_LEFTOVER_REF = re.compile(r"&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|amp|quot|apos|lt|gt|nbsp|[lr][sd]quo|[nm]dash"
                           r"|hellip);")


def clean(text: str | None) -> str:
    """White space collapsed; a character reference left over from double escaping decoded
    (once: the parser decoded the first layer)."""
    # (split and join: the same white space as the pattern \s, at twice its speed)
    text = " ".join((text or "").split())
    if "&" in text and _LEFTOVER_REF.search(text):
        text = " ".join(html.unescape(text).split())
    return text


def language_tag(value: str | None) -> str | None:
    """A BCP 47 tag from ``en_US``/``en-us``/``EN`` (the first of a list, as
    Content-Language gives); None when it is not one."""
    return langtag.from_source(clean(value).split(",")[0])


def iso_date(value: str | None) -> str | None:
    """An ISO 8601 date or date-time from the common formats pages use."""
    value = clean(value)
    if not value:
        return None
    m = re.match(r"^(\d{4}-\d{2}-\d{2})([T ]\d{2}:\d{2}(:\d{2})?)?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?", value)
    if m:
        out = m.group(1)
        if m.group(2):  # HTML and OPF allow at most milliseconds
            out += m.group(2).replace(" ", "T") + (m.group(4) or "")[:4] + (m.group(5) or "")
        return out
    if re.match(r"^\d{4}(-\d{2})?$", value):
        return value
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _meta_map(root: HtmlElement) -> dict[str, str]:
    """Every meta tag's content by lower-cased property/name/itemprop (first wins)."""
    found: dict[str, str] = {}
    for tag in root.iter("meta"):
        content = clean(tag.get("content"))
        if not content:
            continue
        for key in ("property", "name", "itemprop", "http-equiv"):
            for name in (tag.get(key) or "").lower().split():
                found.setdefault(name, content)
    return found


def _first(meta: dict[str, str], *names: str) -> str | None:
    for name in names:
        if meta.get(name):
            return meta[name]
    return None


def _json_ld(root: HtmlElement) -> dict:
    """The first JSON-LD object that describes an article (``@graph`` searched)."""
    def objects(data):
        if isinstance(data, list):
            for item in data:
                yield from objects(item)
        elif isinstance(data, dict):
            yield data
            if "@graph" in data:
                yield from objects(data["@graph"])

    fallback: dict = {}
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        text = re.sub(r"^\s*<!\[CDATA\[|\]\]>\s*$", "", script.text or "")
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            continue
        for obj in objects(data):
            kinds = obj.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            names = {str(k).lower() for k in kinds if k}
            if names & ARTICLE_TYPES:
                return obj
            if "webpage" in names and not fallback:
                fallback = obj
    return fallback


def _raw(value: str) -> str:
    """A JSON-LD string: script text is never decoded by the HTML parser, and CMSs write
    their fields HTML-escaped (``can&#39;t``), so the references are decoded here, once."""
    return _WS.sub(" ", html.unescape(value)).strip()


def _names(value) -> list[str]:
    if isinstance(value, str):
        return [_raw(value)]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def _text_of(value) -> str | None:
    if isinstance(value, str):
        return _raw(value) or None
    if isinstance(value, dict):
        return _text_of(value.get("name") or value.get("@id") or value.get("url"))
    if isinstance(value, list) and value:
        return _text_of(value[0])
    return None


_MONTHS = (r"jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|"
           r"oct(ober)?|nov(ember)?|dec(ember)?")
_TRAILING_DATE = re.compile(rf"\s+(({_MONTHS})\.?\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+({_MONTHS})\.?\s+\d{{4}}|"
                            rf"\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}).*$", re.IGNORECASE)


#: What stands before the names in a byline: "By", "Analysis by", "Words and pictures by".
#: "von", "di", "door", "av" and "par" are also particles inside names ("Ursula von der Leyen",
#: "Mario di Stefano"): as the lead-in they open the byline, and only the English "by" may follow
#: other words ("Analysis by", "Words and pictures by").
_BY = re.compile(r"^\s*(?:(?:[A-Za-z]+\s+){0,3}?by\b|(?:von|par|por|di|door|av)\b|"
                 r"(?:written|posted|reported|published|words|text)\s*:)\s*:?\s*", re.IGNORECASE)
#: A newsroom's shortcode for an editor or an agency, in lower case ("mac", "dpa" in "Von mac/dpa"):
#: initials, not a name.
_SHORTCODE = re.compile(r"^[a-zäöüß]{2,4}$")
#: Words that make a byline part a job title, not a name ("CNN Editor-at-large").
_ROLE = re.compile(r"\b(editor|editors|editor-at-large|correspondents?|reporters?|writers?|columnist|contributor|"
                   r"contributing|staff|producer|analyst|photographer|intern|bureau|chief|senior|"
                   r"associate|deputy|managing|executive|desk|team|anchor|host|critic|commentator|"
                   r"freelance|special|guest|journalist|founder|ceo|president|director|professor|"
                   r"manager|scientist|engineer|officer|strategist|consultant|adviser|advisor|"
                   r"specialist|coordinator|evangelist|researcher|lecturer|development|marketing)\b",
                   re.IGNORECASE)
#: Of those, the ones that never end a person's name in a byline: a newsroom's unit ("Statehouse
#: Bureau") or a job outside the press ("Distinguished Scientist", "Product Manager").  After a
#: name, a part that holds one describes that person, and what follows it too.
_NOT_BYLINE_ROLE = frozenset({"bureau", "desk", "team", "manager", "scientist", "engineer", "officer",
                              "strategist", "consultant", "adviser", "advisor", "specialist", "coordinator",
                              "evangelist", "researcher", "lecturer", "development", "marketing", "founder",
                              "ceo", "president", "director", "professor"})
#: Job words that are also surnames ("Cara Reporter"): a part of two words ending in one of them
#: may be a person.
_SURNAME_ROLE = frozenset({"reporter", "writer", "critic", "host", "chief", "editor", "director"})
#: What a byline box's links say that is no one's name ("View Comments", "Click here to view
#: more information about the author", "Google profile"): cut from there.
_BYLINE_CONTROL = re.compile(r"\s*\b(?:click here|view (?:\w+ )?(?:comments?|profile|posts|bio|authority)|"
                             r"\w+ profile$)\b.*$", re.IGNORECASE)
#: Words that qualify a job after a name ("JOSEPH WHITE AP Sports Writer"): a news desk, or an
#: agency's initials.
_DESK = re.compile(r"^(?:(?-i:[A-Z]{2,4})|sports?|business|technology|tech|political|politics|science|health|"
                   r"foreign|diplomatic|education|environment|arts|economics|entertainment|legal|"
                   r"medical|metro|national|world|digital|city|state)$", re.IGNORECASE)
#: Words that make a byline part an organisation ("and Business Insider").
_ORG = re.compile(r"\b(news|press|times|post|journal|magazine|insider|media|reuters|associated|agency|"
                  r"wire|network|daily|tribune|herald|gazette|inc|ltd|llc|corp|online|radio|tv|"
                  r"television|broadcasting|group|services|newsroom|publishing)\b|\.(com|org|net)\b",
                  re.IGNORECASE)
#: Words that start a byline credit to no one in particular ("By Our Foreign Staff").
_NO_NAME = frozenset({"our", "a", "an", "the", "unser", "unsere", "unserem", "notre", "nos", "nuestro",
                      "nuestra", "il", "la", "le", "der", "die", "das"})
#: A byline part that is a control's label as a whole, where a link should name a person
#: ("More posts", "Email the author", "Author archives"): an action first, or a page's name last.
_CONTROL = re.compile(r"^(?:view|see|show|read|more|all|follow|contact|email|e-mail|share|print|subscribe)\b"
                      r"|\b(?:profile|comments?|posts|articles|stories|archives?|bio|homepage|website)$",
                      re.IGNORECASE)
#: A day or month name glued to the name before it ("Jeff FoustMonday").
_GLUED_DATE = re.compile(r"(?<=[a-z])(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|"
                         r"February|March|April|May|June|July|August|September|October|November|"
                         r"December|Updated|Published)\b.*$")


def split_authors(text: str) -> list[str]:
    """``By A, B and C`` -> [A, B, C] (the parts as written; :func:`people` keeps the names)."""
    # A parenthesis holds a role, a place or an affiliation, never a name; split inside it,
    # it would cut one author in two ("Ana Stone (Paris" and "Reuters)").
    text = re.sub(r"\s*\((?:with|avec|mit|con|com|met)\s+([^()]*)\)", r", \1", clean(text))  # co-authors
    text = re.sub(r"\s*\([^()]*\)", " ", text).strip()
    for _ in range(3):  # "By Analysis by Chris Cillizza"
        stripped = _BY.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    # A teaser's headline, or a date and time, before its byline ("China and Japan look to the
    # U.S. By Max Fisher", "16th Jan 2008, 09:28am by Damien McFerran"): the names follow "by".
    inner = re.search(r"^(?:\S+\s+){3,}(?i:by)\s+(?=[A-Z])", text)
    if inner:
        text = text[inner.end():]
    text = re.split(r"\s+[|•·]\s+|\s+[-–—]\s+|\s+(on|updated|published)\s+", text, maxsplit=1)[0]
    text = _TRAILING_DATE.sub("", text)
    # Where the reporter is ("Kate Connolly in Berlin", "... at CES in Las Vegas") is no name,
    # nor what follows it.
    text = re.split(r"\s+(?:in|at)\s+(?=[A-Z])", text, maxsplit=1)[0]
    parts = re.split(r"\s*[,;/]\s*|\s+(?:(?i:and)|&|und|et|y)\s+", text)  # ("AND" too, never a "Y" initial)
    return [p.strip() for p in parts if p and p.strip() and len(p) < 80 and not p.startswith("http")]


_NOT_KEY = re.compile(r"[\W_]+")


def name_key(text: str) -> str:
    """``text`` lower-cased without spaces or punctuation: the form in which a site's name, a
    host and the parts of a title are compared ("The BLT: Blog" and "the blt blog" alike)."""
    return _NOT_KEY.sub("", text.lower())


def people(names: list[str], site: str | None = None, url: str | None = None) -> list[str]:
    """The persons among a byline's parts: job titles dropped ("CNN Editor-at-large"), a
    date glued on cut off ("Jeff FoustMonday"), and organisations (the site, "Business
    Insider") dropped when a person is credited beside them; an organisation credited
    alone (a wire story) stays: it is then the author."""
    host = name_key((urlparse(url).hostname or "").removeprefix("www.")) if url else ""
    site_key = name_key(site or "")
    persons, orgs = [], []
    credited = False  # a person was named, whose role may follow ("Ana Stone, Bureau Chief")
    described = False  # that role came: the rest describes the person
    for name in names:
        if described:
            break
        for part in split_authors(name):
            part = re.sub(r"^with\s+", "", part)  # "Ana Stone, with Bo Lind": a co-author
            part = _BYLINE_CONTROL.sub("", _GLUED_DATE.sub("", part)).strip(" .:-–—")
            part = re.sub(r"\S+@\S+", "", part).strip()
            if _SHORTCODE.match(part) or part[:1].islower() and part.split()[0].lower() in ("at", "in", "from"):
                continue
            if not part or not re.search(r"[^\W\d_]", part) or re.search(r"\d", part) or _CONTROL.search(part):
                continue
            role = _ROLE.search(part)
            words_ = part.split()
            if role and len(words_) == 2 and role.end() == len(part) and words_[0][1:].islower() \
                    and role.group(1).lower() in _SURNAME_ROLE and not _ORG.search(words_[0]):
                role = None  # "Cara Reporter": a given name and a surname that is also a job
            if role:
                if credited and any(m.group(1).lower() in _NOT_BYLINE_ROLE for m in _ROLE.finditer(part)):
                    described = True  # "Name, Role, Place": the role and what follows describe the person
                    break
                before = _name_before_role(part[: role.start()].split())
                # "Jane Doe Staff Writer": the name before the title; "CNN Editor": no name
                if len(before) >= 2 and all(w[:1].isupper() for w in before) \
                        and not _ORG.search(" ".join(before)) and before[0].lower() not in _NO_NAME:
                    persons.append(" ".join(before))
                    credited = True
                continue
            key = name_key(part)
            if _ORG.search(part) or (site_key and key == site_key) or (host and key and key in host) \
                    or len(part.split()) > 5:
                orgs.append(part)
            else:
                persons.append(part)
                credited = True
    out = persons or orgs
    return list(dict.fromkeys(out))


def _name_before_role(words_: list[str]) -> list[str]:
    """The name in the words before a job title, without the desk or agency that qualifies the
    job ("JOSEPH WHITE AP Sports Writer", "TARIQ PANJA Associated Press Writer")."""
    for i, word in enumerate(words_[2:], 2):
        if _DESK.match(word) or _ORG.search(word):
            return words_[:i]
    return words_


_SUFFIX_SEPARATORS = re.compile(r"\s+(?:[|\-–—·»:/\\]|::)\s+")


def title_parts(title: str) -> list[str]:
    """The parts of a page's title between separators ("Site - News | Headline")."""
    return [p for p in (part.strip() for part in _SUFFIX_SEPARATORS.split(title)) if p]


def without_site(title: str, site: str | None, url: str | None) -> str:
    """``title`` without the site's name before or after a separator ("Title | Site",
    "Site - Title"), when the name is the site's or the page's host name."""
    parts = _SUFFIX_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    host = name_key((urlparse(url).hostname or "").removeprefix("www.")) if url else ""
    names = {k for k in (name_key(site or ""), ) if k}

    def is_site(part: str) -> bool:
        key = name_key(part)
        return bool(key) and (key in names or (len(key) >= 3 and bool(host) and
                                               (key in host or host.split(".")[0] == key)))

    seps = _SUFFIX_SEPARATORS.findall(title)
    if is_site(parts[-1]):
        return "".join(p + s for p, s in zip(parts[:-2], seps[:-1])) + parts[-2]
    if is_site(parts[0]):
        rest = title[len(parts[0]) + len(seps[0]):]
        return rest
    return title


def site_only(site: str | None, url: str | None) -> str | None:
    """A site name without a tagline or section after a separator ("Site | News from X")."""
    if not site:
        return site
    parts = _SUFFIX_SEPARATORS.split(site)
    if len(parts) < 2:
        return site
    host = name_key((urlparse(url).hostname or "").removeprefix("www.")) if url else ""
    for part in parts:
        if host and name_key(part) and name_key(part) in host:
            return part
    return parts[0]


def tidy(meta: ArticleMeta) -> None:
    """Metadata as it will be printed: site name and title without each other, bylines
    reduced to people."""
    meta.site_name = site_only(meta.site_name, meta.source_url)
    if meta.title:
        meta.title = without_site(meta.title, meta.site_name, meta.source_url) or meta.title
    meta.authors = people(meta.authors, meta.site_name, meta.source_url)


def _ld_title(ld: dict, root: HtmlElement) -> str:
    """JSON-LD ``headline`` or ``name``: when both exist, the one closer to the page title
    (Wikipedia, for one, puts a category in ``headline``)."""
    headline, name = clean(_text_of(ld.get("headline"))), clean(_text_of(ld.get("name")))
    if headline and name and headline != name:
        from .extract import similar

        page = page_title(root)
        return name if similar(name, page) > similar(headline, page) else headline
    return headline or name


def words(text: str) -> int:
    return len(text.split())


def page_title(root: HtmlElement) -> str:
    """The document ``<title>`` without the site name around it (Readability's rules:
    the part before the last separator, unless that leaves too few words)."""
    title_el = root.find(".//title")
    orig = clean(text_content(title_el)) if title_el is not None else ""
    title = orig
    hierarchical = False
    separators = re.findall(r" [|\-–—\\/>»] ", orig)
    if separators:
        hierarchical = bool(re.search(r" [\\/>»] ", orig))
        title = orig[: orig.rfind(separators[-1])]
        if words(title) < 3:
            title = re.sub(r"^[^|\-–—\\/>»]*[|\-–—\\/>»]", "", orig)
    elif ": " in title:
        headings = {clean(text_content(h)) for h in root.iter("h1", "h2")}
        if title not in headings:
            title = orig[orig.rfind(":") + 1:]
            if words(title) < 3:
                title = orig[orig.find(":") + 1:]
            elif words(orig[: orig.find(":")]) > 5:
                title = orig
    elif len(title) > 150 or len(title) < 15:
        h1s = list(root.iter("h1"))
        if len(h1s) == 1:
            title = clean(text_content(h1s[0]))
    title = clean(title)
    if words(title) <= 4 and (not hierarchical or
                              words(title) != words(re.sub(r"[|\-–—\\/>»]+", "", orig)) - 1):
        title = orig
    return title


def page_metadata(root: HtmlElement) -> ArticleMeta:
    """Metadata from the whole page (before any furniture is removed)."""
    meta = ArticleMeta()
    tags = _meta_map(root)
    ld = _json_ld(root)
    meta.title = (_ld_title(ld, root) or _first(tags, "dc:title", "dcterm:title", "dcterms:title",
                  "dc.title", "dcterms.title", "og:title", "weibo:article:title", "title",
                  "twitter:title", "parsely-title") or page_title(root))
    authors = _names(ld.get("author")) or _names(ld.get("creator"))
    if not authors:
        value = _first(tags, "dc:creator", "dcterm:creator", "dcterms:creator", "dc.creator",
                       "dcterms.creator", "author", "article:author", "parsely-author",
                       "sailthru.author", "byl")
        if value and not value.startswith("http"):
            authors = split_authors(value)
    if not authors:
        for el in root.iter("a", "span", "div", "p", "address"):
            if el.get("rel") == "author" or "author" in (el.get("itemprop") or "").split():
                name = el.find(".//*[@itemprop='name']")
                text = clean(text_content(name if name is not None else el))
                if 0 < len(text) < 80:
                    authors = split_authors(text)
                    break
    meta.authors = list(dict.fromkeys(a for a in (clean(x) for x in authors) if a))
    meta.published = iso_date(_text_of(ld.get("datePublished")) or _first(
        tags, "article:published_time", "datepublished", "dcterms.date", "dc.date",
        "dcterms.created", "dc.date.issued", "parsely-pub-date", "date", "pubdate", "publishdate"))
    if meta.published is None:
        for t in root.iter("time"):
            cls = (t.get("class") or "") + " " + (t.get("itemprop") or "")
            if t.get("pubdate") is not None or re.search(r"publish|datePublished|entry-date", cls):
                meta.published = iso_date(t.get("datetime"))
                if meta.published:
                    break
    meta.modified = iso_date(_text_of(ld.get("dateModified")) or _first(
        tags, "article:modified_time", "datemodified", "dcterms.modified", "og:updated_time"))
    if meta.modified is None:
        for t in root.iter("time"):
            if re.search(r"updated|modified", (t.get("class") or "") + (t.get("itemprop") or "")):
                meta.modified = iso_date(t.get("datetime"))
                break
    meta.description = (_text_of(ld.get("description")) or _first(
        tags, "dc:description", "dcterm:description", "dcterms:description", "dc.description",
        "og:description", "weibo:article:description", "description", "twitter:description"))
    meta.site_name = (_first(tags, "og:site_name", "application-name")
                      or _text_of(ld.get("publisher")) or None)
    canonical = None
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            canonical = link.get("href").strip()
            break
    meta.source_url = canonical or _first(tags, "og:url") or _text_of(ld.get("url"))
    if meta.source_url and not safe_source(meta.source_url):
        meta.source_url = None  # javascript:, a relative path or no URL at all: no address known
    html = root if root.tag == "html" else root.find(".//html")
    lang = None
    body = root.find(".//body")
    for el in (html, body):  # Word puts the language on <body>
        if el is not None and not lang:
            lang = language_tag(el.get("lang") or el.get("{http://www.w3.org/XML/1998/namespace}lang")
                                or el.get("xml:lang"))
    meta.language = lang or language_tag(_text_of(ld.get("inLanguage")) or _first(
        tags, "content-language", "language", "dc.language", "dcterms.language", "og:locale"))
    subtitle = _text_of(ld.get("alternativeHeadline")) or _first(tags, "subtitle")
    meta.subtitle = subtitle
    return meta


_OFFICE_PROPS = re.compile(r"<o:DocumentProperties>(.*?)</o:DocumentProperties>", re.IGNORECASE | re.DOTALL)
_OFFICE_PROP = re.compile(r"<o:(\w+)>([^<]*)</o:\1>", re.IGNORECASE)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2});")  # LibreOffice before 4.x: 20240502;9000000


def office_metadata(meta: ArticleMeta, root: HtmlElement, raw: str) -> None:
    """Fill what the page's own metadata left open from an office export's document
    properties: Word's ``Save as HTML`` writes them as ``<o:DocumentProperties>`` inside
    a conditional comment (which the parser drops, hence ``raw``, the page's text);
    LibreOffice as ``author``/``created``/``changed`` meta tags.  Creation is the
    document's date; the last save its modification."""
    props: dict[str, str] = {}
    found = _OFFICE_PROPS.search(raw[:200_000]) if "DocumentProperties" in raw[:200_000] else None
    if found:
        props = {k.lower(): clean(v) for k, v in _OFFICE_PROP.findall(found.group(1)) if clean(v)}
    tags = _meta_map(root)

    def date(value: str | None) -> str | None:
        m = _COMPACT_DATE.match(value or "")
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else iso_date(value)

    if not meta.authors and props.get("author"):
        meta.authors = split_authors(props["author"])
    meta.published = meta.published or date(props.get("created") or tags.get("created"))
    meta.modified = meta.modified or date(props.get("lastsaved") or tags.get("changed"))
    if not meta.title and props.get("title"):
        meta.title = props["title"]
    if not meta.description and props.get("description"):
        meta.description = props["description"]


#: A paragraph in a word processor's Title / Subtitle style (Word's ``MsoTitle``, the
#: ``title`` class of Google Docs and LibreOffice exports).
TITLE_STYLE = re.compile(r"(^|\s)(MsoTitle|title)(\s|$)", re.IGNORECASE)
SUBTITLE_STYLE = re.compile(r"(^|\s)(MsoSubtitle|subtitle)(\s|$)", re.IGNORECASE)


def find_subtitle(article: HtmlElement) -> HtmlElement | None:
    """A standfirst element near the top of the article (class/itemprop says so); a date
    alone is the article's dateline, never its subtitle, and stays in the body."""
    for n, el in enumerate(article.iter("p", "h2", "h3", "div")):
        if n > 30:
            break
        sig = f"{el.get('class') or ''} {el.get('itemprop') or ''}"
        if "alternativeHeadline" in sig or (SUBTITLE.search(sig) and len(el) < 5):
            text = clean(text_content(el))
            if 0 < len(text) < 300 and not is_dateline(text):
                return el
    return None


#: The words a date and time are written with: weekdays, months, "am"/"pm", a time zone's
#: abbreviation ("EST", "BST", "UTC"), ordinal suffixes and the "on"/"at" between them.
_DATE_WORD = re.compile(rf"\b(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?|{_MONTHS}|"
                        r"[ap]\.?m|utc|gmt|(?-i:[A-Z]{1,3}[SD]?T)|\d+(?:st|nd|rd|th)|on|at)\b\.?", re.IGNORECASE)


def is_dateline(text: str) -> bool:
    """Whether ``text`` is a date (and time) and nothing else: "Friday, November 02, 2012 |
    6:30 AM", "12:40, Jan 13 2008".  Pages give their dateline a standfirst's class as often
    as a date's; shown as a subtitle it says nothing of the article."""
    return any(c.isdigit() for c in text) and not any(c.isalpha() for c in _DATE_WORD.sub("", text))
