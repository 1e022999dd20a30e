"""WeasyPrint imported with its C libraries found by one look at the loader's cache.

WeasyPrint 70 loads each of its C libraries (GObject, Pango, HarfBuzz, fontconfig,
PangoFT2) by trying a list of names, Windows and macOS ones first
(``weasyprint/text/ffi.py``: ``'libgobject-2.0-0', 'gobject-2.0-0', 'gobject-2.0',
'libgobject-2.0.so.0', ...``).  For each name cffi cannot open as given it calls
``ctypes.util.find_library``, which on Linux runs ``/sbin/ldconfig -p`` and, when the
name is not in the loader's cache, ``gcc`` and ``ld`` too: 22 look-ups, about 0.3 s of
wall time and 0.15 s of CPU in subprocesses at every import, which ``pubbuild pdf``
pays in its serial head, before any layout starts (measured: WeasyPrint's import 0.62 s
with them, 0.33 s without).

:func:`weasyprint_imported` imports WeasyPrint with ``find_library`` answering from one
run of ``ldconfig -p`` (the same command and pattern as CPython's first step,
``ctypes.util._findSoname_ldconfig``): a name the cache lists gets exactly the answer
``find_library`` gives; a name it does not list gets None instead of the ``gcc`` and
``ld`` searches.  Those searches only ever return a library's soname, which the
dynamic loader then looks up by its own rules, and for every library WeasyPrint needs,
its list of names also holds the Linux soname itself (``libpango-1.0.so.0``), which
cffi opens directly (``LD_LIBRARY_PATH`` included): the same library files are loaded
(tested: ``tests/test_pdf_libraries.py`` compares the mapped files of both imports).
Nothing of WeasyPrint is patched; ``find_library`` is put back as soon as the import
is done.  Elsewhere than Linux with glibc's ``ldconfig``, WeasyPrint is imported as is.
"""

from __future__ import annotations

import ctypes.util
import os
import re
import struct
import subprocess
import sys
import threading
from collections.abc import Callable

#: Where glibc's ``ldconfig`` is (the path CPython's ``ctypes.util`` runs).
LDCONFIG = "/sbin/ldconfig"
_LOCK = threading.Lock()


def weasyprint_imported() -> None:
    """Import WeasyPrint (once; see the module's docstring for how its libraries are found)."""
    if "weasyprint" in sys.modules:
        return
    with _LOCK:
        if "weasyprint" in sys.modules:
            return
        lookup = cache_lookup() if sys.platform.startswith("linux") else None
        if lookup is None:
            import weasyprint
            return
        original = ctypes.util.find_library
        ctypes.util.find_library = lookup  # type: ignore[assignment]  # same signature
        try:
            import weasyprint  # noqa: F401
        finally:
            ctypes.util.find_library = original


def cache_lookup() -> Callable[[str], str | None] | None:
    """``find_library`` answered from the loader's cache only (one run of ``ldconfig
    -p``); None where there is no such listing."""
    try:
        listing = subprocess.run([LDCONFIG, "-p"], stdin=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 env={"LC_ALL": "C", "LANG": "C"}, check=False).stdout
    except OSError:
        return None
    if not listing:
        return None
    abi = _abi_type()

    def lookup(name: str) -> str | None:
        # CPython's pattern (ctypes/util.py, _findSoname_ldconfig): the first entry
        # "lib<name>.<anything> (<abi>" of the listing.
        pattern = os.fsencode(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi}")
        found = re.search(pattern, listing)
        return os.fsdecode(found.group(1)) if found else None
    return lookup


def _abi_type() -> str:
    """The ABI tag ``ldconfig -p`` gives this interpreter's libraries, as CPython reads it."""
    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    return {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
            "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}.get(machine, "libc6")
