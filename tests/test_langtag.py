"""One rule for language tags (pubbuild.langtag), wherever a tag comes in: the manifest, its
JSON Schema, a page's metadata and an element's ``lang``.  The cases are the tags the three
regular expressions these replaced disagreed on; each comment says what the manifest /
the page metadata / an element's ``lang`` made of it before."""

from __future__ import annotations

import shutil
from importlib.resources import files

import jsonschema
import pytest

from pubbuild import langtag
from pubbuild.assemble.manifest import json_schema, load
from pubbuild.errors import ConfigurationError
from pubbuild.reader.html import read_html
from pubbuild.reader.metadata import language_tag

FONT = files("pubbuild") / "data" / "fonts" / "dejavu" / "DejaVuSans.ttf"

CASES = [
    # (written, the tag pubbuild writes; None: not a tag)
    ("hy-AM", "hy-AM"),  # agreed
    ("EN-us", "en-US"),  # kept EN-us / en-US / kept EN-us
    ("sr-latn-rs", "sr-Latn-RS"),  # kept / sr-Latn-RS / kept
    ("en_US", "en-US"),  # refused / en-US / refused
    ("en-a-bbb", "en-a-bbb"),  # refused (1-character subtag) / en-a-bbb / en-a-bbb
    ("en-u-ca-gregory", "en-u-ca-gregory"),  # refused / en-u-CA-gregory / kept
    ("en-CA-x-ca", "en-CA-x-ca"),  # kept / en-CA-x-CA / kept
    ("az-Latn-x-latn", "az-Latn-x-latn"),  # refused / az-Latn-x-Latn / kept
    ("x-private", "x-private"),  # private use alone: refused by all three
    ("i-klingon", "i-klingon"),  # grandfathered: refused by all three
    ("sgn-be-fr", "sgn-BE-FR"),  # kept / sgn-BE-FR / kept
    ("de-CH-1901", "de-CH-1901"),  # a variant
    ("es-419", "es-419"),  # a numeric region
    ("zh-min-nan", "zh-min-nan"),  # extended language subtags
    ("en-x", None),  # private use without a subtag: refused / en-X / en-x
    ("en-US-u", None),  # a singleton without its subtags: refused / en-US-u / kept
    ("en-1", None),  # refused / en-1 / kept
    ("en--US", None),
    ("english", None),  # a 7-letter language subtag: never assigned, a word here
    ("123", None),
]


@pytest.mark.parametrize("written, tag", CASES)
def test_the_one_rule(written, tag):
    assert langtag.normalise(written) == tag
    assert langtag.normalise(f" {written}\n") == tag  # as an attribute or YAML may give it


#: Tags the IANA registry deprecates, as a page's markup gives them -> the preferred tag written.
PREFERRED = {"i-klingon": "tlh", "sgn-BE-FR": "sfb", "zh-min-nan": "nan"}


@pytest.mark.parametrize("written, tag", CASES)
def test_page_metadata_and_element_lang_follow_it(written, tag):
    tag = PREFERRED.get(tag, tag) if tag else tag
    assert language_tag(written) == tag
    assert language_tag(f"{written}, fr") == tag  # Content-Language lists; the first counts
    article = read_html(f"<html lang='fr'><body><article><h1>T</h1><p lang='{written}'>Words of a "
                        "paragraph in some language.</p></article></body></html>", None, None, [])
    assert [b.lang for b in article.blocks if type(b).__name__ == "Paragraph"] == [tag]


@pytest.mark.parametrize("written, tag", CASES)
def test_manifest_and_its_schema_follow_it(tmp_path, written, tag):
    (tmp_path / "a.md").write_text("# A\n\nText.\n")
    shutil.copy(FONT, tmp_path / "f.ttf")
    path = tmp_path / "pubbuild.yaml"
    path.write_text(f"title: Pack\nlanguage: '{written}'\nfonts:\n  - {{file: f.ttf, lang: ['{written}']}}\n"
                    "articles:\n  - source: a.md\n")
    schema = json_schema()["properties"]["language"]
    assert jsonschema.Draft202012Validator(schema).is_valid(written) == (tag is not None)
    if tag is None:
        with pytest.raises(ConfigurationError) as info:
            load(path)
        assert sum("language tag" in line for line in info.value.lines()) == 2  # language, fonts' lang
    else:
        manifest = load(path)
        # then the registry's preferred form (tests/test_manifest_registry.py: en-UK -> en-GB)
        preferred = langtag.registered(tag)[0]
        assert manifest.meta.language == preferred
        assert [font.lang for font in manifest.fonts] == [(preferred,)]
        assert len(manifest.warnings) == (0 if preferred == tag else 2)


@pytest.mark.parametrize("written", ["qq", "zz-ZZ", "xx"])
def test_a_page_language_the_registry_does_not_know_marks_nothing(written):
    """Well-formed but unregistered: no ``lang`` reaches the outputs (nor their statements)."""
    assert langtag.normalise(written) is not None
    assert language_tag(written) is None
    article = read_html(f"<html lang='{written}'><body><article><h1>T</h1><p lang='{written}'>Words of a "
                        "paragraph in some language.</p></article></body></html>", None, None, [])
    assert article.meta.language is None
    assert [b.lang for b in article.blocks if type(b).__name__ == "Paragraph"] == [None]
