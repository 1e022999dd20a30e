"""The layout's fontconfig set-up knows no font of the machine (fonts.font_configuration)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

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


# A fresh process: what fontconfig sets up first stays for the process's lifetime.
_BARE_SERIF = """
import subprocess, sys, tempfile, weasyprint
if sys.argv[1] == "after":
    from pubbuild.backends.pdf import fonts
    fonts.font_configuration()
out = tempfile.mktemp(suffix=".pdf")
weasyprint.HTML(string="<p style='font-family: serif'>Serif text</p>").write_pdf(out)
print(subprocess.run(["pdffonts", out], capture_output=True, text=True, check=True).stdout.splitlines()[-1].split()[0].split("+")[-1])
"""


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="needs poppler's pdffonts")
def test_bare_weasyprint_in_the_same_process_keeps_the_machines_fonts():
    """pubbuild's configuration is its layouts' own: WeasyPrint used bare afterwards in the
    same process (a host application) still finds the machine's serif font, as before."""
    def serif(order: str) -> str:
        return subprocess.run([sys.executable, "-c", _BARE_SERIF, order], capture_output=True, text=True,
                              check=True).stdout.strip()
    assert serif("after") == serif("before")
