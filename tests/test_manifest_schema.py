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
