"""py3langid's model, loaded in milliseconds after the first run: an uncompressed copy in the
user's cache folder, mapped into memory.

py3langid ships its model as one LZMA-compressed file (4.5 MB) that unpacks to 65 MB; every
process that identifies a language paid 0.4-0.5 s of CPU to unpack it, a fifth of an
``epub`` build of 100 articles and an eighth of ``normalize`` on 181 pages, and held 90 MB
while it did.  The first process that loads it keeps the unpacked arrays in
``$XDG_CACHE_HOME/pubbuild`` (default ``~/.cache/pubbuild``); the later ones map them
(``mmap``): nothing to unpack, and only the pages of the model that the texts touch become
resident, shared between processes on the same machine.

The copy is the very arrays py3langid loaded, given back to a subclass of its own
:class:`~py3langid.langid.LanguageIdentifier` (:class:`WindowIdentifier`) that walks the
model's automaton over a text's bytes in numpy instead of one byte at a time in Python, and
keeps the feature table in float32 (py3langid's is float16, which numpy widens for every text
scored, slowly): the counts and scores are the same numbers, so the identification is the
same (``tests/test_langmodel.py`` compares them).  It is named after py3langid's version and
a hash of its model file, so an upgrade makes a new one; a copy that cannot be
written (a read-only home, a full disk) or read back is skipped, with the model loaded as
before.  Nothing in an output depends on whether the copy was used.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import mmap
import os
import shutil
import sys
import threading
from array import array
from collections import Counter
from pathlib import Path
from typing import Any

from .. import partfiles

logger = logging.getLogger(__name__)

#: Bumped when the layout of the copy changes (2: the table in float32, the automaton's depth).
LAYOUT = 2
_META = "model.json"


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/pubbuild``, else ``~/.cache/pubbuild``."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return Path(base if os.path.isabs(base) else Path.home() / ".cache") / "pubbuild"


def _folder() -> Path | None:
    """The copy's folder for the installed py3langid and its model file, or None when
    py3langid does not have the layout this copy is made of."""
    import py3langid
    from py3langid import langid

    model_dir, model_file = getattr(langid, "MODEL_DIR", None), getattr(langid, "MODEL_FILE", None)
    if model_dir is None or model_file is None:
        return None
    try:
        # By content (6 ms), not by the file's time: every fresh virtual environment with the
        # same py3langid then shares one copy instead of leaving 66 MB each.
        digest = hashlib.sha256((Path(model_dir) / model_file).read_bytes()).hexdigest()[:16]
    except OSError:
        return None
    version = getattr(py3langid, "__version__", "unknown")
    return cache_root() / f"py3langid-{version}-{digest}-{sys.byteorder}-{LAYOUT}"


def load(norm_probs: bool = True) -> Any:
    """py3langid's ``LanguageIdentifier``: from the mapped copy when there is one, else
    unpacked from py3langid's own file (and then copied for the next process)."""
    from py3langid.langid import _load_identifier

    try:
        folder = _folder()
    except (OSError, RuntimeError):  # no home folder to find the cache in
        folder = None
    if folder is not None and (folder / _META).is_file():
        try:
            return _from_copy(folder, norm_probs)
        except (OSError, ValueError, TypeError, KeyError) as exc:
            logger.debug("%s: language model copy not used (%s)", folder, exc)
    identifier = _load_identifier(norm_probs=norm_probs)
    if folder is not None:
        _save(identifier, folder)
    return identifier


def automaton_depth(nextmove: Any, rowbase: Any) -> int:
    """The length of the longest string the automaton's states stand for: the most steps any
    state lies from the start (breadth first; a state is reached first by reading its own
    string).  py3langid's automaton (Aho-Corasick over its byte n-grams) is in the state of
    the longest suffix of what it has read that begins one of its n-grams, so the state after
    any byte depends on that byte and the ``depth - 1`` before it alone."""
    import numpy as np

    moves = np.asarray(memoryview(nextmove))  # (a view of py3langid's array or the map, no copy)
    rows = np.asarray(rowbase, dtype=np.int64)
    seen = np.zeros(len(rows), dtype=bool)
    seen[0] = True
    frontier, depth, every_byte = np.array([0]), 0, np.arange(256)
    while True:
        found = []
        rowbases = np.unique(rows[frontier])
        for start in range(0, len(rowbases), 2048):  # (in slices: a level's moves are 40 MB)
            reached = moves[(rowbases[start:start + 2048, None] + every_byte).ravel()]
            fresh = np.unique(reached[~seen[reached]])
            seen[fresh] = True  # (a state met again in this level's next slice is as deep)
            found.append(fresh)
        frontier = np.concatenate(found)
        if not len(frontier):
            return depth
        depth += 1


def _save(identifier: Any, folder: Path) -> None:
    """Write the copy into a new folder beside ``folder``, then rename it into place (a
    process that finds it finds it whole; of two writing at once, one rename wins)."""
    import numpy as np

    try:
        nextmove, row = identifier.tk_nextmove, identifier.tk_row
        if not (isinstance(nextmove, array) and isinstance(row, array)):
            return  # another py3langid layout: not copied
        folder.parent.mkdir(parents=True, exist_ok=True)
        partfiles.sweep(folder.parent, folder.name)  # a copy a killed process left half made
        tmp = partfiles.new_folder(folder)
    except (OSError, AttributeError) as exc:
        logger.debug("%s: language model not copied (%s)", folder, exc)
        return
    try:
        depth = automaton_depth(nextmove, identifier._rowbase)
        # float32, not py3langid's float16: numpy widens the rows of every text scored
        # (exactly), which cost more than the scoring itself.
        table = np.asarray(identifier.nb_ptc)
        with open(tmp / "ptc.npy", "wb") as file:  # written in slices: no second 57 MB in memory
            np.lib.format.write_array_header_1_0(file, {
                "descr": np.lib.format.dtype_to_descr(np.dtype(np.float32)), "fortran_order": False,
                "shape": table.shape})
            file.writelines(np.ascontiguousarray(table[start:start + 8192], dtype=np.float32).tobytes()
                            for start in range(0, len(table), 8192))
        np.save(tmp / "pc.npy", np.asarray(identifier.nb_pc), allow_pickle=False)
        np.save(tmp / "output.npy", np.asarray(identifier.tk_output, dtype=np.int64),
                allow_pickle=False)
        for name, items in (("nextmove.bin", nextmove), ("row.bin", row)):
            with open(tmp / name, "wb") as file:
                items.tofile(file)  # in blocks: no second 40 MB copy in memory
        meta = {"classes": list(identifier.nb_classes), "nextmove": [nextmove.typecode, len(nextmove)],
                "row": [row.typecode, len(row)], "depth": depth}
        (tmp / _META).write_text(json.dumps(meta), encoding="utf-8")
        os.rename(tmp, folder)
    except OSError as exc:  # a full disk, or another process renamed its copy first
        logger.debug("%s: language model not copied (%s)", folder, exc)
        shutil.rmtree(tmp, ignore_errors=True)


def _mapped(path: Path, typecode: str, length: int) -> memoryview:
    """The file's items as a read-only memoryview over a map of it (indexes as fast as
    an ``array``, and only the pages read become resident)."""
    with open(path, "rb") as file:
        mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    view: memoryview = memoryview(mapped).cast(typecode)  # type: ignore[call-overload]
    if len(view) != length:
        raise ValueError(f"{path.name}: {len(view)} items, {length} expected")
    return view


def _from_copy(folder: Path, norm_probs: bool) -> Any:
    import numpy as np

    meta = json.loads((folder / _META).read_text(encoding="utf-8"))
    nextmove = _mapped(folder / "nextmove.bin", *meta["nextmove"])
    row = array(meta["row"][0], (folder / "row.bin").read_bytes())
    if len(row) != meta["row"][1]:
        raise ValueError(f"row.bin: {len(row)} items, {meta['row'][1]} expected")
    # A plain ndarray over the mapped pages, not the np.memmap itself: py3langid indexes the
    # table once per text identified, and memmap's Python-level __getitem__ cost more than the
    # lookup (a tenth of the identification's time).  The view keeps the map open.
    ptc = np.load(folder / "ptc.npy", mmap_mode="r", allow_pickle=False).view(np.ndarray)
    pc = np.load(folder / "pc.npy", allow_pickle=False)
    # py3langid walks its automaton byte by byte through ``tk_output`` and its own ``_rowbase``
    # (lists of ints); as arrays of machine integers they hold the same values in a quarter of the
    # memory, and the walk, bound by cache misses on a busy machine, took a quarter less time.
    output = array("q", np.load(folder / "output.npy", allow_pickle=False).astype(np.int64).tobytes())
    classes = meta["classes"]
    if ptc.ndim != 2 or ptc.shape[1] != len(classes) or len(pc) != len(classes):
        raise ValueError("the arrays do not fit together")
    depth = meta["depth"]
    if ptc.dtype != np.float32 or not isinstance(depth, int) or depth < 1:
        raise ValueError("not this layout's table")
    identifier = _window_identifier()(ptc, pc, classes, nextmove, output, norm_probs=norm_probs, tk_row=row)
    identifier._rowbase = array("q", identifier._rowbase)
    identifier.prepare(depth)
    return identifier


@functools.cache
def _window_identifier() -> Any:
    """:class:`WindowIdentifier`, made on first use (py3langid is imported only then)."""
    import numpy as np
    from py3langid.langid import LanguageIdentifier

    class WindowIdentifier(LanguageIdentifier):  # type: ignore[misc]
        """py3langid's identifier, whose walk over a text's bytes is done for all bytes at
        once: the state after each byte is the state reached from the start over that byte and
        the ``depth - 1`` before it (:func:`automaton_depth`), so ``depth`` steps of numpy,
        each over all the positions, find every state.  The features are counted in the order
        py3langid's walk meets them (a ``Counter`` of the same sequence), so its scoring adds
        them up in the same order and gives the same numbers.  (One byte at a time, in
        Python, each step waits on a memory read of the 40 MB table that the step before
        chose; here those reads are independent, and about twice as fast on whole pages.)
        :meth:`classify_many` walks many texts in one go."""

        def prepare(self, depth: int) -> None:
            self._depth = depth
            # Views of the same memory (the buffers' own item types), not copies.
            self._moves = np.asarray(memoryview(self.tk_nextmove))
            self._rows = np.asarray(memoryview(self._rowbase))
            self._out = np.asarray(memoryview(self.tk_output))
            # The scores walked by classify_many, per thread: py3langid's identifier is safe to
            # share between threads (a preview server's, a worker's), and so must this one be.
            self._local = threading.local()

        def classify_many(self, texts: list[str]) -> list[tuple[str, float]]:
            """:meth:`classify` of each text, their bytes walked together (numpy's cost per
            step is mostly per call, and an article's passages are many short texts)."""
            encoded = [self._encode(text) for text in texts]
            self._local.walked = dict(zip(encoded, self._raw_scores(encoded)))
            try:
                return [self.classify(text) for text in texts]
            finally:
                self._local.walked = None

        def _raw_score(self, text: bytes) -> Any:
            walked = getattr(self._local, "walked", None)
            # (popped: py3langid changes the scores in place)
            score = walked.pop(text, None) if walked else None
            return score if score is not None else self._raw_scores([text])[0]

        def _raw_scores(self, texts: list[bytes]) -> list[Any]:
            """py3langid's raw scores of each text (its ``_raw_score``)."""
            data = np.frombuffer(b"".join(texts), dtype=np.uint8)
            lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
            ends = np.cumsum(lengths)
            states = np.zeros(len(data), dtype=np.int64)
            if len(texts) == 1:
                offset = None
            else:  # where each position is in its own text: it reads no byte before its text
                offset = np.arange(len(data)) - np.repeat(ends - lengths, lengths)
            # Oldest byte first: at step ``back``, each position at least ``back`` into its text
            # reads the byte ``back`` places before it; one nearer its text's start than
            # ``depth`` reads only the bytes there are, from the start state, as py3langid does.
            for back in range(min(self._depth, len(data)) - 1, -1, -1):
                if offset is None or not back:
                    at: Any = slice(back, None)
                    before: Any = slice(0, len(data) - back)
                else:
                    at = np.flatnonzero(offset >= back)
                    before = at - back
                states[at] = self._moves[self._rows[states[at]] + data[before]]
            found = self._out[states]
            kept = found >= 0
            bounds = np.concatenate(([0], np.cumsum(kept)))[ends].tolist()
            features = found[kept].tolist()
            scores, start = [], 0
            for stop in bounds:
                if stop > start:
                    scores.append(self._sparse_score(Counter(features[start:stop]), self.nb_ptc))
                else:  # no feature: py3langid's own answer for that
                    scores.append(super()._raw_score(b""))
                start = stop
            return scores

    return WindowIdentifier
