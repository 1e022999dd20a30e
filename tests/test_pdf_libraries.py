"""WeasyPrint imported with its libraries found from the loader's cache alone
(backends/pdf/libraries.py): the same library files as WeasyPrint's own import, the
same answers as ``ctypes.util.find_library`` for what the cache lists, and no
``gcc`` or ``ld`` run."""

from __future__ import annotations

import ctypes.util
import json
import subprocess
import sys

import pytest

from pubbuild.backends.pdf import libraries

pytest.importorskip("weasyprint")
linux = pytest.mark.skipif(not sys.platform.startswith("linux") or libraries.cache_lookup() is None,
                           reason="needs glibc's ldconfig")

#: Prints the shared objects mapped into the process after importing WeasyPrint (``how``:
#: ``plain``, WeasyPrint's own import; ``ours``, through libraries.weasyprint_imported),
#: and the programs it ran meanwhile.
PROBE = """
import json, subprocess, sys
ran = []
original = subprocess.Popen.__init__
def spy(self, args, *a, **k):
    ran.append(args[0] if isinstance(args, (list, tuple)) else args)
    original(self, args, *a, **k)
subprocess.Popen.__init__ = spy
if sys.argv[1] == "plain":
    import weasyprint
else:
    from pubbuild.backends.pdf.libraries import weasyprint_imported
    weasyprint_imported()
    import ctypes.util
    assert ctypes.util.find_library.__module__ == "ctypes.util"  # put back
maps = {line.split()[-1] for line in open("/proc/self/maps") if ".so" in line.split()[-1]}
print(json.dumps({"maps": sorted(maps), "ran": [str(r) for r in ran]}))
"""


def _probe(how: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, how], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


@linux
def test_the_same_libraries_are_loaded_without_gcc_or_ld():
    plain, ours = _probe("plain"), _probe("ours")
    wanted = ("gobject", "pango", "harfbuzz", "fontconfig")
    assert any(w in m for m in plain["maps"] for w in wanted)  # the probe sees them
    assert ours["maps"] == plain["maps"]
    # WeasyPrint's own import looks names up with gcc and ld (the cost this avoids)...
    assert any("gcc" in r or r.endswith("ld") for r in plain["ran"])
    # ...ours runs ldconfig once and nothing else.
    assert ours["ran"] == [libraries.LDCONFIG]


@linux
@pytest.mark.parametrize("name", ["c", "m", "pango-1.0", "gobject-2.0", "harfbuzz", "fontconfig",
                                  "pangoft2-1.0"])
def test_a_listed_library_gets_find_librarys_answer(name):
    lookup = libraries.cache_lookup()
    assert lookup is not None
    answer = ctypes.util.find_library(name)
    assert answer is not None
    assert lookup(name) == answer


@linux
def test_a_name_the_cache_does_not_list_gets_none():
    lookup = libraries.cache_lookup()
    assert lookup is not None
    assert lookup("libgobject-2.0-0") is None  # a Windows name, as WeasyPrint tries first
    assert lookup("no-such-library-pubbuild") is None
