"""The package's layering, read from its imports (ast over src/pubbuild, nothing imported).

Flow: read -> passes -> model -> assemble -> render (backends) -> commands.  The rules:

- the model, the reader, the passes and the manifest know no output format: they import no backend
  (the manifest may ask the registry, :data:`CONTRACT`, for each backend's own settings section);
- a backend receives the model and nothing else: it imports neither the reader nor the manifest
  (nor the passes or the generated matter, which run the reader);
- no import cycles among pubbuild modules.

How imports inside functions (lazy imports) count: for the layering rules they count like any
other import (a backend that imports the reader inside a method still depends on it).  For cycles,
module-level imports must form none at all, because they run while a module is half-initialised;
a function-level import runs only once every module has loaded, so it cannot fail at import time.
Those may close a cycle only where :data:`LAZY_CYCLES_ALLOWED` says why; any other lazy cycle
fails too, like the one ``printing/parallel.py`` <-> ``backends/pdf.py`` that issue 15 removed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"

FORMAT_FREE = ("pubbuild.model", "pubbuild.reader", "pubbuild.passes", "pubbuild.assemble.manifest")
BACKENDS = "pubbuild.backends"
#: The registry and the backend contract: format-free, so anyone may import them.
CONTRACT = ("pubbuild.backends", "pubbuild.backends.base")
#: The whole of assemble/ (manifest, matter, publication, article cache) runs the reader or the manifest.
NOT_FOR_BACKENDS = ("pubbuild.reader", "pubbuild.passes", "pubbuild.assemble")

#: Cycles closed only by a function-level import, each kept on purpose.
LAZY_CYCLES_ALLOWED: set[frozenset[str]] = set()


def module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool,
             modules: set[str]) -> set[str]:
    """The pubbuild modules an import statement loads (``from pkg import mod`` -> ``pkg.mod``)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name.split(".")[0] == "pubbuild"}
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        base = ".".join(package[:len(package) - node.level + 1] + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    if base.split(".")[0] != "pubbuild":
        return set()
    return {f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names}


def import_graph(src: Path = SRC) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(module-level imports, all imports including function-level ones), per pubbuild module."""
    files = {module_name(p, src): p for p in sorted((src / "pubbuild").rglob("*.py"))}
    modules = set(files)
    top: dict[str, set[str]] = {}
    every: dict[str, set[str]] = {}
    for module, path in files.items():
        top[module], every[module] = set(), set()
        is_package = path.name == "__init__.py"

        def visit(body: list, in_function: bool, module=module, is_package=is_package) -> None:
            for node in body:
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    found = _targets(node, module, is_package, modules) - {module}
                    every[module] |= found
                    if not in_function:
                        top[module] |= found
                nested = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                for field in ("body", "orelse", "finalbody", "handlers"):
                    children = getattr(node, field, None)
                    if isinstance(children, list):
                        visit(children, nested)
                for case in getattr(node, "cases", ()):  # match statements
                    visit(case.body, nested)

        visit(ast.parse(path.read_text(encoding="utf-8"), str(path)).body, False)
    return top, every


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


def _under(module: str, prefixes: tuple[str, ...] | str) -> bool:
    prefixes = (prefixes,) if isinstance(prefixes, str) else prefixes
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def layering_violations(every: dict[str, set[str]]) -> list[str]:
    out = []
    for module, targets in sorted(every.items()):
        for target in sorted(targets):
            if _under(module, FORMAT_FREE) and _under(target, BACKENDS) and target not in CONTRACT:
                out.append(f"{module} imports the backend module {target}")
            if _under(module, BACKENDS) and _under(target, NOT_FOR_BACKENDS):
                out.append(f"backend module {module} imports {target}")
    return out


@pytest.fixture(scope="module")
def graph():
    return import_graph()


def test_the_graph_sees_the_imports(graph):
    """The walk itself works: known edges of each kind are found (else the rules below pass vacuously)."""
    top, every = graph
    assert "pubbuild.backends.pdf.parallel_layout" in top["pubbuild.backends.pdf.backend"]
    assert "pubbuild.model" in top["pubbuild.backends.base"]
    assert "pubbuild.backends.pdf.workarounds" in every["pubbuild.backends.pdf.backend"]
    assert "pubbuild.backends.pdf.workarounds" not in top["pubbuild.backends.pdf.backend"]
    assert len(top) > 50


def test_model_reader_passes_and_manifest_import_no_backend(graph):
    _, every = graph
    assert [v for v in layering_violations(every) if not v.startswith("backend module")] == []


def test_no_backend_imports_the_reader_or_the_manifest(graph):
    _, every = graph
    assert [v for v in layering_violations(every) if v.startswith("backend module")] == []


def test_no_import_cycles_at_module_level(graph):
    top, _ = graph
    assert [sorted(c) for c in cycles(top)] == []


def test_lazy_import_cycles_only_where_allowed(graph):
    _, every = graph
    assert [sorted(c) for c in cycles(every) if c not in LAZY_CYCLES_ALLOWED] == []


def test_rules_catch_a_violation(tmp_path):
    """A tiny package that breaks each rule is caught by the same checks."""
    pkg = tmp_path / "pubbuild"
    for rel, text in {
        "__init__.py": "",
        "model.py": "from .backends.pdf import tools\n",
        "backends/__init__.py": "",
        "backends/pdf/__init__.py": "",
        "backends/pdf/tools.py": "from ...assemble.manifest import load\nfrom . import more\n",
        "backends/pdf/more.py": "from . import tools\n",
        "assemble/__init__.py": "",
        "assemble/manifest.py": "def load():\n    from ..backends.pdf import tools\n",
    }.items():
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_text(text)
    top, every = import_graph(tmp_path)
    assert layering_violations(every) == [
        "pubbuild.assemble.manifest imports the backend module pubbuild.backends.pdf.tools",
        "backend module pubbuild.backends.pdf.tools imports pubbuild.assemble.manifest",
        "pubbuild.model imports the backend module pubbuild.backends.pdf.tools",
    ]
    assert cycles(top) == [frozenset({"pubbuild.backends.pdf.tools", "pubbuild.backends.pdf.more"})]
    # the lazy import closes a larger cycle through the module-level one
    assert cycles(every) == [frozenset({"pubbuild.assemble.manifest", "pubbuild.backends.pdf.tools",
                                        "pubbuild.backends.pdf.more"})]


def _normaliser_closure(every: dict[str, set[str]]) -> set[str]:
    """Every pubbuild module the readers and passes use, directly or through another."""
    todo = [m for m in every if _under(m, ("pubbuild.reader", "pubbuild.passes"))]
    seen: set[str] = set()
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(every.get(module, ()))
    return seen


def _covered(module: str, code: tuple[str, ...]) -> bool:
    parts = module.split(".")[1:]
    path = "/".join(parts)
    return any(path == entry.removesuffix(".py") or path.startswith(entry.rstrip("/") + "/") for entry in code)


#: Modules the normaliser imports whose code cannot change an article: they raise errors or
#: name the package.
NORMALISER_INERT = {"pubbuild", "pubbuild.errors"}


def test_the_article_cache_key_covers_all_normaliser_code(graph):
    """A cached article is stale when any code that made it changes: every module the readers
    and passes reach is in ``assemble.cache.NORMALISER_CODE`` (imagesize.py was missing)."""
    from pubbuild.assemble.cache import NORMALISER_CODE

    _, every = graph
    missing = sorted(m for m in _normaliser_closure(every) - NORMALISER_INERT if not _covered(m, NORMALISER_CODE))
    assert not missing, f"add to NORMALISER_CODE: {missing}"
    assert _covered("pubbuild.reader.html", NORMALISER_CODE) and not _covered("pubbuild.cli", NORMALISER_CODE)
