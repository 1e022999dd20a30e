"""The language model's cached copy (passes/langmodel.py): made once, mapped after, the same
answers as py3langid's own loading, and never in the way when it cannot be made or read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from py3langid.langid import _load_identifier

from pubbuild.passes import langmodel

TEXTS = [
    "The library opened its new reading room in the spring, and the first visitors came early.",
    "La bibliothèque a ouvert sa nouvelle salle de lecture au printemps, et les premiers lecteurs.",
    "Die Bibliothek hat im Frühjahr ihren neuen Lesesaal eröffnet, und die ersten Besucher kamen.",
    "المكتبة بيت العلم والمعرفة وقد افتتحت قاعة القراءة الجديدة في الربيع",
    "图书馆在春天开放了新的阅览室，第一批读者是来阅读旧报纸的学生。",
    "ok",
]


@pytest.fixture(scope="module")
def plain():
    return _load_identifier(norm_probs=True)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "pubbuild"


def test_the_first_load_makes_the_copy_and_the_next_maps_it_with_the_same_answers(cache, plain):
    first = langmodel.load()
    (folder,) = cache.iterdir()
    assert folder.name.startswith("py3langid-") and (folder / "model.json").is_file()
    assert not isinstance(first.tk_nextmove, memoryview)  # unpacked by py3langid
    second = langmodel.load()
    assert isinstance(second.tk_nextmove, memoryview)  # mapped from the copy
    for text in TEXTS:
        assert second.classify(text) == first.classify(text) == plain.classify(text)
    assert [p.name for p in cache.iterdir()] == [folder.name]  # nothing left beside it


#: Texts around the automaton's depth (6 bytes) and without features, upper case (py3langid
#: lowers it), mixed scripts, and texts long enough to repeat features many times.
EDGE_TEXTS = ["", "a", "ok", "été", "abcdef", "abcdefg", "12345 67890", "THE LIBRARY OPENED TODAY",
              "Der Bericht (PDF, 2 MB) – siehe auch: «Les archives» 档案馆 و المكتبة", TEXTS[0] * 30,
              " ".join(TEXTS) * 5]


def test_the_mapped_copy_walks_all_bytes_at_once_with_the_same_numbers(cache, plain):
    langmodel.load()
    mapped = langmodel.load()
    assert type(mapped).__name__ == "WindowIdentifier"
    assert mapped.nb_ptc.dtype.name == "float32"
    for text in TEXTS + EDGE_TEXTS:
        assert mapped.classify(text) == plain.classify(text), text
        assert mapped.rank(text) == plain.rank(text), text


def test_many_texts_walked_together_get_each_its_own_answer(cache, plain):
    # Texts side by side must not read each other's bytes: short ones (under the automaton's
    # depth), empty ones, the same one twice, two that py3langid encodes alike (upper case is
    # lowered), and long ones.
    langmodel.load()
    mapped = langmodel.load()
    texts = [*EDGE_TEXTS, *TEXTS, TEXTS[2], "THE LIBRARY OPENED TODAY", "the library opened today"]
    assert mapped.classify_many(texts) == [plain.classify(text) for text in texts]
    assert mapped.classify_many(texts[::-1]) == [plain.classify(text) for text in texts[::-1]]
    assert mapped.classify_many([]) == []


def test_threads_sharing_the_model_get_their_own_answers(cache, plain):
    # One identifier serves every thread of a process (a preview server's requests): the
    # scores one thread walked must never answer another's texts.
    from concurrent.futures import ThreadPoolExecutor

    langmodel.load()
    mapped = langmodel.load()
    batches = [TEXTS[i:] + EDGE_TEXTS[:i] for i in range(len(TEXTS))] * 4
    expected = [[plain.classify(text) for text in batch] for batch in batches]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(mapped.classify_many, batches))
    assert got == expected


def test_the_walk_needs_the_automatons_whole_depth(cache, plain):
    # The window of bytes each position reads must reach back as far as the automaton's deepest
    # state.  (Its deepest states are rare in text: two bytes short, ordinary sentences already
    # get wrong states and other scores.)
    langmodel.load()
    mapped = langmodel.load()
    assert mapped._depth == langmodel.automaton_depth(plain.tk_nextmove, plain._rowbase) >= 2
    encoded = [plain._encode(text) for text in TEXTS + EDGE_TEXTS]
    assert all((mapped._raw_score(text) == plain._raw_score(text)).all() for text in encoded)
    mapped.prepare(mapped._depth - 2)
    assert not all((mapped._raw_score(text) == plain._raw_score(text)).all() for text in encoded)


def test_a_cache_that_cannot_be_written_is_skipped(tmp_path, monkeypatch, plain):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    identifier = langmodel.load()
    assert identifier.classify(TEXTS[1]) == plain.classify(TEXTS[1])
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_a_damaged_copy_is_not_used(cache, plain):
    langmodel.load()
    (folder,) = cache.iterdir()
    nextmove = folder / "nextmove.bin"
    nextmove.write_bytes(nextmove.read_bytes()[:1000])  # cut short
    identifier = langmodel.load()
    assert not isinstance(identifier.tk_nextmove, memoryview)
    for text in TEXTS:
        assert identifier.classify(text) == plain.classify(text)


def test_a_relative_cache_home_is_ignored(monkeypatch, tmp_path):
    # The XDG rule: a relative XDG_CACHE_HOME is invalid and falls back to ~/.cache.
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert langmodel.cache_root() == tmp_path / ".cache" / "pubbuild"


def test_a_half_made_copy_of_a_killed_process_is_swept(cache):
    dead = 2**22 + 12345  # above the default pid_max: no such process
    langmodel.load()
    (folder,) = cache.iterdir()
    shutil.rmtree(folder)
    leftover = cache / f".{folder.name}.{dead}.abcd1234.part"
    leftover.mkdir()
    (leftover / "ptc.npy").write_bytes(b"half")
    langmodel.load()
    assert [p.name for p in cache.iterdir()] == [folder.name]
