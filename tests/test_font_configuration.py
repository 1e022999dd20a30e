"""The layout's fontconfig set-up knows no font of the machine (fonts.font_configuration)."""

from __future__ import annotations

import os

import pytest

from pubbuild.backends.pdf import fonts


def _system_fonts(config) -> int:
    """How many fonts fontconfig found in font folders (the declared ones are added later,
    as application fonts)."""
    from weasyprint.text.ffi import ffi, fontconfig

    found = fontconfig.FcConfigGetFonts(config._config, fontconfig.FcSetSystem)
    return 0 if found == ffi.NULL else found.nfont


@pytest.mark.parametrize("preset", [None, "/nonexistent/fonts.conf"])
def test_no_system_font_and_the_environment_put_back(monkeypatch, preset):
    from weasyprint.text.fonts import FontConfiguration

    if preset is None:
        monkeypatch.delenv("FONTCONFIG_FILE", raising=False)
        assert _system_fonts(FontConfiguration()) > 0  # WeasyPrint's own sees the machine's
    else:
        monkeypatch.setenv("FONTCONFIG_FILE", preset)
    config = fonts.font_configuration()
    assert _system_fonts(config) == 0
    assert os.environ.get("FONTCONFIG_FILE") == preset
