"""The manifest's JSON Schema (``pubbuild schema``) agrees with the loader: both come from the
same tables, the sample manifests validate, and a wrong type is rejected by both."""

from __future__ import annotations

import jsonschema
import pytest
import yaml
from conftest import ROOT, ROOTS

from pubbuild.assemble.manifest import (
    ARTICLE_SCHEMA,
    PUBLICATION_SCHEMA,
    json_schema,
    load,
    publication_schema,
)
from pubbuild.errors import ConfigurationError


class _LanguageServerLoader(yaml.SafeLoader):
    """YAML as an editor's language server sees it: an unquoted date is a string (JSON has no
    date type); everything else as the safe loader reads it."""


_LanguageServerLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _errors(text: str) -> list[str]:
    data = yaml.load(text, Loader=_LanguageServerLoader)  # a SafeLoader subclass
    return [e.message for e in jsonschema.Draft202012Validator(json_schema()).iter_errors(data)]


def test_schema_is_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(json_schema())


@pytest.mark.parametrize("manifest", [ROOT / "pubbuild.yaml", ROOTS / "test-pack" / "pubbuild.yaml",
                                      ROOTS / "diag-pack" / "pubbuild.yaml"])
def test_sample_manifests_validate(manifest):
    assert _errors(manifest.read_text(encoding="utf-8")) == []
    load(manifest)  # and the loader takes them


def test_every_key_is_described():
    schema = json_schema()
    assert set(schema["properties"]) == set(publication_schema()) == set(PUBLICATION_SCHEMA) | {"pdf"}
    article = schema["properties"]["articles"]["items"]["anyOf"][1]
    assert set(article["properties"]) == set(ARTICLE_SCHEMA)
    assert all(p.get("description") for p in schema["properties"].values())
    assert set(schema["properties"]["pdf"]["properties"]) == {"paper", "margins", "two_sided",
                                                              "bleed", "marks", "link_addresses"}


GOOD = "title: A pack\narticles:\n  - a.html\n"


@pytest.mark.parametrize("change", [
    "title: [a, list]\narticles:\n  - a.html\n",                         # text given a list
    GOOD + "language: not a tag\n",                                      # language tag
    GOOD + "date: last week\n",                                          # date
    GOOD + "slug: ../outside\n",                                         # slug with a folder
    GOOD + "pdf:\n  two_sided: yes please\n",                            # true/false
    GOOD + "pdf:\n  colour: red\n",                                      # unknown pdf key
    GOOD + "creators:\n  - {name: Ann, role: boss}\n",                   # role
    GOOD + "accessibility: certified\n",                                 # mapping given text
    GOOD + "colour: red\n",                                              # unknown top-level key
    "title: A pack\narticles: a.html\n",                                 # list given text
    "title: A pack\narticles:\n  - {source: a.html, url: ftp://x}\n",    # URL
    "title: A pack\narticles: []\n",                                     # no articles
    "articles:\n  - a.html\n",                                           # no title
    GOOD + "parts:\n  - {title: P, articles: [a.html]}\n",               # both articles and parts
])
def test_a_wrong_manifest_is_rejected_by_both(change, tmp_path):
    (tmp_path / "a.html").write_text("<p>Text.</p>")
    path = tmp_path / "pubbuild.yaml"
    path.write_text(change)
    assert _errors(change), "the schema accepts it"
    with pytest.raises(ConfigurationError):
        load(path)


def test_a_right_manifest_is_accepted_by_both(tmp_path):
    text = (GOOD + "language: hy-AM\ndate: 2024-06-01\nslug: my-pack\ncreators: Ann\n"
            "pdf:\n  two_sided: true\n  paper: A5\naccessibility: {certifier: Desk}\n")
    (tmp_path / "a.html").write_text("<p>Text.</p>")
    (tmp_path / "pubbuild.yaml").write_text(text)
    assert _errors(text) == []
    load(tmp_path / "pubbuild.yaml")


def _options():
    """Every option of every table the loader checks against, with its key path."""
    from pubbuild.assemble.manifest import Section

    def walk(schema, prefix):
        for key, option in schema.items():
            yield f"{prefix}{key}", option
            if isinstance(option, Section):
                yield from walk(option.fields(), f"{prefix}{key}.")

    return list(walk(publication_schema(), ""))


# One value each option type takes and one it refuses, both as YAML gives them (None: none that
# fits every key of the type; a Choice takes its first word).
_SAMPLES = {
    "Text": ("Kars", ["a"]), "PathOption": ("a.html", []), "Title": (1984, ""),
    "Prose": ("An *introduction*.", {}), "TextList": ("one", {"a": 1}), "Date": ("2024-03-14", "soon"),
    "Language": ("hy-AM", "not a tag"), "Languages": (["en", "hy"], [1]),
    "Encoding": ("windows-1252", []), "Url": ("https://example.org/a", "ftp://x"),
    "Slug": ("the-pack", "../x"), "Creators": ([{"name": "Ann", "role": "editor"}], [{"role": "editor"}]),
    "Bool": (True, "yes"), "Choice": (None, "heavy"), "Checked": (None, []),
}


def test_each_option_owns_a_check_and_a_schema_that_agree():
    """Every key is an option class with both halves; what its check takes, its schema takes,
    and what its check refuses for a wrong type, its schema refuses."""
    from pubbuild.assemble.manifest import Choice, Entries, Option, Section, _Problem

    names = set()
    for key, option in _options():
        assert isinstance(option, Option), key
        fragment = option.json_schema()
        jsonschema.Draft202012Validator.check_schema(fragment)
        if isinstance(option, Section):
            continue
        name = type(option).__name__
        names.add(name)
        good, bad = _SAMPLES[name]
        if isinstance(option, Choice):
            good = option.allowed[0]
        if good is not None:
            option.validate(good)
            assert jsonschema.Draft202012Validator(fragment).is_valid(good), key
        if bad is not None:
            with pytest.raises(_Problem):
                option.validate(bad)
            assert not jsonschema.Draft202012Validator(fragment).is_valid(bad), key
    assert names >= {"Text", "Title", "Prose", "TextList", "Date", "Language", "Languages", "Url",
                     "Slug", "Creators", "Bool", "Choice", "Checked", "Encoding", "PathOption"}
    assert any(isinstance(o, Entries) for _, o in _options())


@pytest.mark.parametrize("value", [1984, True, None, "", {}, [], ["one", 2]])
def test_check_and_schema_give_one_verdict_on_each_kind_of_value(value):
    """A bare number, true/false, nothing, empty text, a mapping and lists: what an option's
    check takes, its schema takes, and what the check refuses, the schema refuses (an editor
    marks exactly what the build would refuse).  A ``Checked`` option or an encoding is left out
    for text and numbers only: their check parses the text (a paper size, a registered encoding
    name), which a schema cannot."""
    from pubbuild.assemble.manifest import Checked, Encoding, Section, _Problem

    for key, option in _options():
        if isinstance(option, Section) or (
                isinstance(option, Checked | Encoding) and isinstance(value, int | str)):
            continue
        try:
            option.validate(value)
            taken = True
        except _Problem:
            taken = False
        assert jsonschema.Draft202012Validator(option.json_schema()).is_valid(value) == taken, key


def test_a_bare_number_is_no_list_of_text_for_either(tmp_path):
    """``authors: 3.5`` is refused by the loader (most likely a slip: a list of text, or one
    text, is expected) and now by the schema too; ``[3.5]`` and a bare year, date or slug
    number are taken by both."""
    for wrong in ("authors: 3.5\n", "subjects: 1984\n"):
        text = GOOD + wrong
        (tmp_path / "a.html").write_text("<p>Text.</p>")
        (tmp_path / "pubbuild.yaml").write_text(text)
        assert _errors(text), wrong
        with pytest.raises(ConfigurationError):
            load(tmp_path / "pubbuild.yaml")
    text = GOOD + "subjects: [1984]\ndate: 1984\nslug: 1984\n"
    (tmp_path / "pubbuild.yaml").write_text(text)
    assert _errors(text) == []
    manifest = load(tmp_path / "pubbuild.yaml")
    assert manifest.meta.subjects == ["1984"] and manifest.slug == "1984"
