"""The pass chain as a named, ordered registry (markdown-it-py's Ruler)."""

from __future__ import annotations

import pytest

from pubbuild.model import Article, ArticleMeta, Paragraph, Text
from pubbuild.passes import PASSES, default_chain, run_passes
from pubbuild.passes.ruler import Ruler

#: The order the passes ran in before the chain became a Ruler (main ffc61ae); changing it
#: changes every output, so it is a decision to make here, on purpose.
ORDER = ["table_headers", "empty_blocks", "pull_quotes", "pseudo_lists", "pseudo_headings", "language",
         "heading_levels", "sections", "ids", "links", "notes", "limits"]


def _fn(tag: str):
    def run(seen: list, _ctx=None) -> None:
        seen.append(tag)
    return run


def _run(ruler: Ruler) -> list[str]:
    seen: list[str] = []
    for _name, fn in ruler.get_rules():
        fn(seen)
    return seen


def test_default_order_is_the_order_before():
    assert PASSES.names() == ORDER
    assert PASSES.enabled_names() == ORDER
    assert [name for name, _ in default_chain().get_rules()] == ORDER


def test_default_chain_is_new_each_call():
    chain = default_chain()
    chain.disable("language")
    assert "language" in default_chain().enabled_names()


@pytest.mark.parametrize("edit, expected", [
    (lambda r: r.before("b", "x", _fn("x")), ["a", "x", "b", "c"]),
    (lambda r: r.before("a", "x", _fn("x")), ["x", "a", "b", "c"]),
    (lambda r: r.after("b", "x", _fn("x")), ["a", "b", "x", "c"]),
    (lambda r: r.after("c", "x", _fn("x")), ["a", "b", "c", "x"]),
    (lambda r: r.push("x", _fn("x")), ["a", "b", "c", "x"]),
    (lambda r: r.at("b", _fn("B")), ["a", "B", "c"]),
    (lambda r: r.disable("b"), ["a", "c"]),
    (lambda r: r.disable(["a", "c"]), ["b"]),
    (lambda r: (r.disable(["a", "b"]), r.enable("a")), ["a", "c"]),
    (lambda r: r.enable_only(["c", "a"]), ["a", "c"]),
])
def test_ruler_edits(edit, expected):
    ruler = Ruler([(n, _fn(n)) for n in "abc"])
    edit(ruler)
    assert _run(ruler) == expected


def test_at_keeps_place_and_disabled_state():
    ruler = Ruler([(n, _fn(n)) for n in "abc"])
    ruler.disable("b")
    ruler.at("b", _fn("B"))
    assert ruler.names() == ["a", "b", "c"] and _run(ruler) == ["a", "c"]
    ruler.enable("b")
    assert _run(ruler) == ["a", "B", "c"]


@pytest.mark.parametrize("edit", [
    lambda r: r.enable("nope"),
    lambda r: r.disable(["a", "nope"]),
    lambda r: r.enable_only(["nope"]),
    lambda r: r.at("nope", _fn("x")),
    lambda r: r.before("nope", "x", _fn("x")),
    lambda r: r.after("nope", "x", _fn("x")),
])
def test_unknown_names_are_errors_and_change_nothing(edit):
    ruler = Ruler([(n, _fn(n)) for n in "abc"])
    with pytest.raises(KeyError, match="nope"):
        edit(ruler)
    assert ruler.names() == ["a", "b", "c"] and _run(ruler) == ["a", "b", "c"]


@pytest.mark.parametrize("edit", [
    lambda r: r.push("a", _fn("x")),
    lambda r: r.before("c", "b", _fn("x")),
    lambda r: r.after("a", "c", _fn("x")),
])
def test_duplicate_names_are_errors(edit):
    ruler = Ruler([(n, _fn(n)) for n in "abc"])
    with pytest.raises(ValueError, match="already"):
        edit(ruler)
    assert ruler.names() == ["a", "b", "c"]


def test_copy_is_independent():
    ruler = Ruler([(n, _fn(n)) for n in "abc"])
    variant = ruler.copy()
    variant.disable("a")
    variant.push("d", _fn("d"))
    assert _run(ruler) == ["a", "b", "c"] and _run(variant) == ["b", "c", "d"]


def test_run_passes_only_with_unknown_name_fails_and_leaves_default_alone():
    art = Article(meta=ArticleMeta(), blocks=[Paragraph([Text("x")])])
    with pytest.raises(KeyError):
        run_passes(art, "x", only=["no_such_pass"])
    run_passes(art, "x", only=["empty_blocks"])
    assert PASSES.enabled_names() == ORDER


def test_run_passes_uses_a_given_chain():
    ran: list[str] = []
    chain = Ruler([("first", lambda a, c: ran.append("first"))])
    chain.after("first", "second", lambda a, c: ran.append("second"))
    run_passes(Article(meta=ArticleMeta()), "x", chain=chain)
    assert ran == ["first", "second"]
