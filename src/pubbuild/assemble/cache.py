"""The article cache and the normalisation stage: every article of a manifest normalised once.

:func:`normalise_articles` takes an article from the cache when neither its source (nor
what it depends on) nor the normaliser's code changed, and normalises the rest in parallel
(forked workers); :class:`ArticleCache` keeps each one as checked JSON data
(:mod:`pubbuild.modeljson`) under ``build/.cache``.  :func:`pubbuild.assemble.build.build_all`
runs it before assembling the publication.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import logging
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__, backends, modeljson, partfiles
from ..errors import PubbuildError, SourceError
from ..model import Article, Image, Link
from ..modeljson import InvalidModel
from ..paths import inside
from ..progress import NULL_PROGRESS, Progress
from ..reader.convert import MAX_DEPTH
from ..reader.decode import XML_INVALID
from ..textutil import images, model_nodes
from ..urlsafety import safe_image, safe_link, safe_source
from .manifest import Manifest
from .publication import read_articles, with_findings

logger = logging.getLogger(__name__)

#: Bumped when the cache entry layout changes (1 was pickle, never read now; 3: nodes
#: carry their source ``line``).
CACHE_FORMAT = 3
#: What every entry says it is, so that a foreign JSON file is never taken for one.
CACHE_NAME = "pubbuild-article-cache"
_PACKAGE = Path(__file__).resolve().parent.parent  # the pubbuild package, not assemble/
#: Code whose changes invalidate normalised articles (readers, passes, the model).
NORMALISER_CODE = ("reader", "passes", "model.py", "textutil.py", "diagnostics.py", "langtag.py", "imagesize.py",
                   "paths.py", "urlsafety.py", "partfiles.py")


@dataclass(slots=True)
class CacheStats:
    """What the normalisation stage did, for reports and tests."""

    hits: list[str] = field(default_factory=list)
    """Sources taken from the cache (relative paths)."""
    normalised: list[str] = field(default_factory=list)
    """Sources read and normalised in this run."""


# ------------------------------------------------------------------ cache


def _normaliser_fingerprint() -> str:
    """Hash of the normaliser's code and pass list: a change to either empties the cache."""
    from ..passes import PASSES

    digest = hashlib.sha256(__version__.encode())
    digest.update(",".join(PASSES.enabled_names()).encode())
    for entry in NORMALISER_CODE:
        path = _PACKAGE / entry
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(_PACKAGE)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


class ArticleCache:
    """Normalised articles on disk under ``build/.cache``, keyed by content hash.

    Entries are JSON data (:mod:`pubbuild.modeljson`), never pickles: the cache
    comes with the project folder, which may come from anyone, so loading it must
    not run code, and a path in it must stay inside the project.

    The key covers the source bytes, its path in the project, the manifest's
    overrides for it, the pubbuild version and the normaliser's code and pass
    list.  An entry also records the local images the article refers to (and
    those it looked for and did not find): adding or removing one misses.
    """

    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.root = root
        self.dir = root / "build" / ".cache" / "articles"
        self.enabled = enabled
        self.fingerprint = _normaliser_fingerprint() if enabled else ""
        if enabled:
            partfiles.sweep(self.dir)

    def key(self, source: Path, root: Path, overrides: dict) -> str:
        digest = hashlib.sha256(self.fingerprint.encode())
        digest.update(_relative(source, root).encode() + b"\0")
        digest.update(json.dumps(overrides, sort_keys=True, default=str).encode() + b"\0")
        digest.update(source.read_bytes())
        return digest.hexdigest()

    def get(self, key: str) -> Article | None:
        """The entry for ``key``, or None; an entry that is unreadable, from another
        version, not ours or naming files outside the project is a miss."""
        if not self.enabled:
            return None
        path = self.dir / f"{key}.json"
        try:
            with path.open("rb") as fh:
                entry = json.loads(fh.read())
            return self._load(entry, key)
        except FileNotFoundError:
            return None
        # RecursionError: JSON nested deeper than the parser's stack, never written by us.
        except (OSError, ValueError, InvalidModel, RecursionError) as exc:  # never a failure: build it again
            logger.debug("ignoring cache entry %s: %s", path, exc)
            return None

    def _load(self, entry: object, key: str) -> Article | None:
        if type(entry) is not dict or entry.get("format") != CACHE_NAME:
            raise InvalidModel("not a pubbuild cache entry")
        if entry.get("version") != CACHE_FORMAT or entry.get("key") != key:
            raise InvalidModel("written by another pubbuild, or for another key")
        deps = entry.get("deps")
        if type(deps) is not list:
            raise InvalidModel("no dependencies")
        for dep in deps:
            if type(dep) is not list or len(dep) != 2 or type(dep[1]) is not bool:
                raise InvalidModel("malformed dependency")
            if modeljson.decode(dep[0], Path, self.root).is_file() != dep[1]:
                return None  # an image the article refers to came or went
        data = entry.get("article")
        check_entry_data(data)  # before decoding: decoding recurses
        article = modeljson.decode(data, Article, self.root)
        check_article(article)
        return article

    def put(self, key: str, article: Article) -> None:
        if not self.enabled:
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        entry = {"format": CACHE_NAME, "version": CACHE_FORMAT, "key": key,
                 # A file outside the project is never read, so whether it exists does not matter.
                 "deps": [[modeljson.project_path(Path(p), self.root), exists]
                          for p, exists in _dependencies(article) if inside(self.root, Path(p))],
                 "article": modeljson.encode(article, self.root)}
        final = self.dir / f"{key}.json"
        with partfiles.temporary(final) as tmp:
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(entry, fh, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, final)


#: How deeply an entry's JSON may nest.  The reader flattens elements nested deeper than
#: ``reader.convert.MAX_DEPTH`` (100), and each element is at most two levels of JSON (the node
#: and its list of children): its deepest models measure 208; the rest is headroom.
MAX_ENTRY_DEPTH = 2 * MAX_DEPTH + 56


def check_entry_data(data: object) -> None:
    """Raise :class:`InvalidModel` for an entry the reader could not have written: nested
    deeper than :data:`MAX_ENTRY_DEPTH`, or holding a character XML cannot carry (control
    characters, lone surrogates), which the reader removes (S010).  Walked with a stack,
    not recursion, so any depth is refused, never a crash."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_ENTRY_DEPTH:
            raise InvalidModel(f"nested deeper than {MAX_ENTRY_DEPTH} levels")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
            stack.extend((k, depth) for k in value)
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
        elif isinstance(value, str) and XML_INVALID.search(value):
            raise InvalidModel("a character XML cannot carry")


def check_article(article: Article) -> None:
    """Raise :class:`InvalidModel` for an address the reader would have refused: a link
    of another scheme than :data:`~pubbuild.urlsafety.LINK_SCHEMES` (``javascript:``,
    ``data:text/html`` ...), an image that is neither in the project, on the web nor a
    ``data:image``, or a source address that is no ``http(s):`` URL."""
    url = article.meta.source_url
    if url is not None and not safe_source(url):
        raise InvalidModel(f"source address {url[:80]!r} is no web address")
    for node in model_nodes(article):
        if isinstance(node, Link) and not safe_link(node.href):
            raise InvalidModel(f"link to {node.href[:80]!r}")
        if isinstance(node, Image) and not safe_image(node.src):
            raise InvalidModel(f"image at {node.src[:80]!r}")


def _dependencies(article: Article) -> list[tuple[str, bool]]:
    """Local image files the article's model depends on, with whether each exists."""
    deps = []
    for image in images(article.blocks):
        if image.local is not None:
            deps.append((str(image.local), True))
        elif image.src and ":" not in image.src and article.source is not None:
            deps.append((str(article.source.parent / image.src), False))
    return sorted(set(deps))


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


# ------------------------------------------------------------------ normalise


def _quiet_worker() -> None:
    # A worker's findings travel back with its article (``Article.diagnostics``); its log
    # would interleave with the parent's bars, and a forked worker inherits the handlers.
    logging.getLogger("pubbuild").setLevel(logging.CRITICAL + 1)


def _normalise_one(source: str, root: str, url: str | None = None,
                   encoding: str | None = None) -> Article | tuple[str, str, list[str]]:
    """Worker: read and normalise one source; a user error comes back as data
    (exception pickling would lose its list of problems)."""
    from ..reader import read_file

    try:
        return read_file(Path(source), Path(root), base_url=url, encoding=encoding)
    except PubbuildError as exc:
        return (type(exc).__name__, str(exc), exc.problems)


def normalise_articles(manifest: Manifest, jobs: int | None = None, cache: bool = True,
                       progress: Progress = NULL_PROGRESS) -> tuple[list[Article], CacheStats]:
    """Every article of the manifest, normalised once: unchanged ones from the cache,
    the others in ``jobs`` processes (default: the number of cores)."""
    store = ArticleCache(manifest.root, cache)
    stats = CacheStats()
    results: dict[Path, Article] = {}
    todo: dict[Path, str] = {}
    bar = progress("normalise", len(manifest.articles))
    for spec in manifest.articles:
        if spec.source in results or spec.source in todo:
            continue
        try:
            key = store.key(spec.source, manifest.root, spec.overrides)
        except OSError:
            key = ""  # unreadable: the reader reports it properly below
        article = store.get(key) if key else None
        if article is not None:
            results[spec.source] = article
            stats.hits.append(_relative(spec.source, manifest.root))
            logger.info("%s: unchanged, normalised model taken from the cache",
                        _relative(spec.source, manifest.root))
            bar.advance()
        else:
            todo[spec.source] = key
    errors: list[str] = []
    jobs = jobs or backends.default_process_count()
    # the page's address and the file's encoding, when the manifest gives them
    urls = {spec.source: (spec.overrides.get("url"), spec.overrides.get("encoding")) for spec in manifest.articles}
    # Closed on the way out of an error or interrupt here, not whenever it is collected: the
    # worker processes are gone before the exception reaches the caller.
    with contextlib.closing(_run(list(todo), manifest.root, min(jobs, len(todo)), urls)) as outcomes:
        for source, outcome in outcomes:
            bar.advance()
            if isinstance(outcome, tuple):
                errors.extend(outcome[2] or [outcome[1]])
                continue
            results[source] = outcome
            stats.normalised.append(_relative(source, manifest.root))
            logger.info("%s: normalised", _relative(source, manifest.root))
            if todo[source]:
                try:
                    store.put(todo[source], outcome)
                except OSError as exc:  # a cache that cannot be written is a slower build, not a failure
                    logger.warning("%s: article cache not written (%s); building without it",
                                   store.dir, exc.strerror or exc)
                    store.enabled = False
    bar.close()
    if errors:
        # The articles that were read have their findings shown with the error.
        raise with_findings(SourceError(errors[0], errors), manifest, results.values())
    # Each article's findings are in its ``diagnostics``, however it was read (here, in a
    # worker, from the cache): the caller reports them from there.

    seen: set[Path] = set()

    def read(source: Path, root: Path, url: str | None = None, encoding: str | None = None) -> Article:
        # A source listed twice gets a copy, so the overrides applied to each stay its own.
        if source in seen:
            return _copy(results[source])
        seen.add(source)
        return results[source]

    return read_articles(manifest, read=read), stats


def _copy(article: Article) -> Article:
    return copy.deepcopy(article)


def _run(sources: list[Path], root: Path, jobs: int, urls: dict[Path, tuple[str | None, str | None]]):
    """(source, Article or error tuple) for each source, in the order given."""
    from .. import reader  # noqa: F401 - imported once here, inherited by forked workers

    if jobs <= 1:
        for source in sources:
            yield source, _normalise_one(str(source), str(root), *urls.get(source, (None, None)))
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=_quiet_worker) as pool:
        futures = [(s, pool.submit(_normalise_one, str(s), str(root), *urls.get(s, (None, None)))) for s in sources]
        try:
            for source, future in futures:
                yield source, future.result()
        except BaseException:
            # Interrupted (SIGTERM reaches this process only, not its workers) or closed
            # early: the articles not begun are dropped instead of normalised for nothing.
            pool.shutdown(cancel_futures=True)
            raise
