"""``pubbuild serve``: what the preview server serves and refuses, the diagnostics page,
a failed build, rebuilding on a change, and a clean stop."""

from __future__ import annotations

import json
import signal
import socket
import tempfile
import threading
import time
import zipfile

import pytest
from lxml import html as lhtml
from servehelp import project, request, running, start_cli

from pubbuild.cli import make_parser
from pubbuild.errors import ConfigurationError
from pubbuild.serve import Preview, PreviewServer, is_loopback, pack_builder, pack_stages, serve

#: Runs preview servers and whole rebuilds: left out of `make test-fast`.
pytestmark = pytest.mark.slow

SECRET = "secret-marker-7f3a"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The small project built once (EPUB and PDF) and served: (preview, server, manifest)."""
    tmp = tmp_path_factory.mktemp("served")
    manifest = project(tmp)
    (manifest.parent / "secret.txt").write_text(SECRET)
    (tmp / "outside.txt").write_text(SECRET)
    work = tmp / "work"
    work.mkdir()
    preview = Preview(pack_builder(manifest, jobs=1), manifest.parent.resolve(), work)
    assert preview.rebuild(), preview.error
    with running(preview) as server:
        yield preview, server, manifest


def _page(served, path: str):
    status, headers, body = request(served[1].server_address, path)
    assert status == 200, (path, status, body[:200])
    return headers, body


def test_contents_lead_to_the_epub_pages_and_the_pdf(served):
    preview, _server, _manifest = served
    _, body = _page(served, "/")
    doc = lhtml.fromstring(body)
    links = {" ".join(a.text_content().split()): a.get("href") for a in doc.iter("a")}
    assert {"Lighthouse keepers", "Tide tables"} <= set(links)
    headers, page = _page(served, links["Lighthouse keepers"])
    assert headers["Content-Type"] == "application/xhtml+xml"
    assert b"northern light worked in pairs" in page
    assert b'src="/__pubbuild/reload.js"' in page  # the preview's script, on the served page only
    epub = next(preview.snapshot.folder.glob("*.epub"))
    with zipfile.ZipFile(epub) as archive:
        assert not any(b"reload.js" in archive.read(n) for n in archive.namelist())
    pdf = next(href for href in links.values() if href.endswith(".pdf"))
    headers, data = _page(served, pdf)
    assert headers["Content-Type"] == "application/pdf" and data.startswith(b"%PDF-")
    _, script = _page(served, "/__pubbuild/reload.js")
    assert b"location.reload()" in script


def test_the_pdf_page_shows_the_pdf_and_watches_for_a_new_one(served):
    preview = served[0]
    _, body = _page(served, "/")
    view = lhtml.fromstring(body).xpath("//a[starts-with(., 'in a page that reloads')]/@href")
    assert view == ["/pdf-view"]
    doc = lhtml.fromstring(_page(served, "/pdf-view")[1])
    frame = doc.xpath("//iframe/@src")[0]
    assert frame == f"/pdf/serve-test.pdf?build={preview.snapshot.pdf_build}"
    headers, data = _page(served, frame)
    assert headers["Content-Type"] == "application/pdf" and data.startswith(b"%PDF-")
    script = doc.xpath("//script")[0]
    assert script.get("data-watch") == "pdf" and script.get("data-build") == str(preview.snapshot.pdf_build)
    events = json.loads(_page(served, "/__pubbuild/events")[1])
    assert events["pdf_build"] == preview.snapshot.pdf_build == preview.snapshot.number


@pytest.mark.parametrize("path", [
    "/pubbuild.yaml", "/sources/clean.html", "/secret.txt", "/outside.txt",
    "/epub/../secret.txt", "/epub/..%2fsecret.txt", "/epub/%2e%2e/secret.txt",
    "/epub/EPUB/../../secret.txt", "/epub/EPUB/..%2f..%2fsecret.txt", "/epub/EPUB/%2e%2e/%2e%2e/secret.txt",
    "/epub/EPUB%5c..%5c..%5csecret.txt", "/epub/..\\..\\secret.txt", "/epub/EPUB/clean.xhtml%00",
    "/epub/EPUB/clean.xhtml/../../../secret.txt", "/epub//etc/passwd", "/epub/%2fetc%2fpasswd",
    "/epub/" + "../" * 12 + "etc/passwd", "/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "//etc/passwd", "/pdf/../secret.txt", "/pdf/%2e%2e/secret.txt", "/pdf/serve-test.pdf/../../secret.txt",
    "/__pubbuild/../secret.txt", "/__pubbuild/reload.js/../../secret.txt", "/diagnostics/../secret.txt",
    "/epub/META-INF/../../secret.txt", "/epub/EPUB/.%2e/.%2e/secret.txt",
])
def test_no_file_outside_the_build_is_served(served, path):
    for form in (path, path.replace("/secret.txt", "/" + str(served[2].parent / "secret.txt"))):
        status, _, body = request(served[1].server_address, form)
        assert status == 404, (form, status)
        assert SECRET.encode() not in body and b"root:" not in body


@pytest.mark.parametrize("step", ["../", "..%2f", "%2e%2e/", "%2e%2e%2f", "..\\", ".%2e/"])
def test_climbing_any_number_of_folders_is_refused(served, step):
    # The build folder, the project and the file beside it sit at some depth below one another:
    # every depth up to well past the file system's root must miss.
    for depth in range(1, 12):
        for prefix in ("/epub/", "/epub/EPUB/", "/pdf/", "/"):
            for name in ("outside.txt", "project/secret.txt", "secret.txt"):
                status, _, body = request(served[1].server_address, prefix + step * depth + name)
                assert status == 404 and SECRET.encode() not in body, prefix + step * depth + name


def test_absolute_paths_to_project_files_are_refused(served):
    secret = served[2].parent.resolve() / "secret.txt"
    for path in (f"/epub{secret}", f"/epub/{secret}", f"/pdf{secret}", str(secret), f"/epub/file://{secret}"):
        status, _, body = request(served[1].server_address, path)
        assert status == 404 and SECRET.encode() not in body, path


def test_only_loopback_host_names_are_answered(served):
    port = served[1].server_address[1]
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}", "localhost"):
        assert request(served[1].server_address, "/", host=host)[0] == 200, host
    for host in ("attacker.example", f"attacker.example:{port}", "127.0.0.1.attacker.example", ""):
        assert request(served[1].server_address, "/", host=host)[0] == 421, host


def test_diagnostics_page_lists_each_articles_findings(served):
    _, body = _page(served, "/diagnostics")
    doc = lhtml.fromstring(body)
    sections = {" ".join(s.xpath("string(h2)").split()): s for s in doc.iter("section")}
    clean = sections["Lighthouse keepers (sources/clean.html)"]
    assert "No diagnostics." in clean.text_content()
    flawed = sections["Tide tables (sources/flawed.html)"]
    rows = [[" ".join(td.text_content().split()) for td in tr.iter("td")] for tr in flawed.iter("tr")][1:]
    assert {("warning", "A001", "sources/flawed.html:5"), ("warning", "S007", "sources/flawed.html:5")} \
        <= {tuple(r[:3]) for r in rows}
    rendering = sections["Found while rendering"]
    assert "A002" in rendering.text_content() and "charts.example/bay.png" in rendering.text_content()
    # the missing image is one cause, reported once (by the reader), not again while rendering
    assert "missing-chart.png" not in rendering.text_content()
    assert sum(r[1] == "S007" and "missing-chart.png" in " ".join(r) for r in rows) == 1
    warnings = len(doc.xpath("//tr[@class='warning']"))
    assert warnings >= 3
    _, index = _page(served, "/")
    assert f"{warnings} warnings".encode() in index  # the index counts the same diagnostics


def test_a_failed_build_shows_its_error_and_keeps_the_last_good_one(tmp_path):
    manifest = project(tmp_path)
    preview = Preview(pack_builder(manifest, formats=["epub"], jobs=1), manifest.parent.resolve(),
                      tmp_path / "work")
    assert preview.rebuild()
    with running(preview) as server:
        article = "/epub/" + next(n for n, t in preview.snapshot.contents if t == "Lighthouse keepers")
        good = manifest.read_text()
        manifest.write_text(good + "parts: [\n")
        assert not preview.rebuild()
        state = preview.state()
        assert state.build == 1 and state.error and "pubbuild.yaml:" in state.error[0]
        status, _, page = request(server.server_address, article)
        assert status == 200 and b"northern light" in page  # still the last good build
        index = lhtml.fromstring(request(server.server_address, "/")[2])
        failed = index.get_element_by_id("failed").getparent().text_content()
        assert "The last build failed" in failed and "pubbuild.yaml:" in failed and "build 1" in failed
        events = json.loads(request(server.server_address, "/__pubbuild/events")[2])
        assert events["build"] == 1 and events["error"] == state.error
        manifest.write_text(good)
        assert preview.rebuild()
        assert preview.state().error is None and preview.state().build == 3


def test_an_out_dir_that_cannot_be_written_is_a_failed_build(tmp_path):
    manifest = project(tmp_path)
    (tmp_path / "taken").write_text("a file where the folder should be")
    preview = Preview(pack_builder(manifest, formats=["epub"], jobs=1), manifest.parent.resolve(),
                      tmp_path / "work", copy_to=tmp_path / "taken")
    assert not preview.rebuild()
    assert preview.error[0].startswith(f"{tmp_path / 'taken' / 'serve-test.epub'}: cannot write")
    assert (tmp_path / "taken").read_text() == "a file where the folder should be"
    assert list((tmp_path / "work").iterdir()) == []


def test_the_epub_goes_on_show_before_the_pdf_is_laid_out(tmp_path):
    manifest = project(tmp_path)
    quick, full = pack_stages(manifest, jobs=1)
    seen = []

    def full_after_looking(out):  # what is on show while the PDF is laid out
        seen.append(preview.snapshot)
        return full(out)

    preview = Preview([quick, full_after_looking], manifest.parent.resolve(), tmp_path / "work")
    assert preview.rebuild() and preview.rebuild()
    first, second = seen
    assert first.number == 1 and first.files and first.pdf is None  # no PDF built yet
    assert second.number == 3 and second.pdf_build == 2 and second.pdf.is_file()  # the last PDF stays
    final = preview.snapshot
    assert final.number == 4 and final.pdf_build == 4 and final.pdf.read_bytes().startswith(b"%PDF-")
    # The full build's EPUB carries the print edition's page breaks; the quick one cannot yet.
    assert b'epub:type="pagebreak"' not in first.files["EPUB/clean.xhtml"]
    assert b'epub:type="pagebreak"' in final.files["EPUB/clean.xhtml"]
    # The build on show and the one before it (with the PDF that one showed) stay; build 1 went.
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == ["build-2", "build-3", "build-4"]
    assert not preview.state().building
    assert len(pack_stages(manifest, formats=["epub"])) == len(pack_stages(manifest, formats=["pdf"])) == 1


def test_a_waiting_browser_wakes_when_a_build_starts_and_ends(tmp_path):
    manifest = project(tmp_path)
    preview = Preview(pack_builder(manifest, formats=["epub"], jobs=1), manifest.parent.resolve(),
                      tmp_path / "work")
    assert preview.rebuild()
    start = preview.state().generation
    waited = time.perf_counter()
    assert preview.wait(start, timeout=0.3).generation == start  # nothing happened: back after the timeout
    assert time.perf_counter() - waited >= 0.25
    seen = []
    waiter = threading.Thread(target=lambda: seen.append(preview.wait(start, timeout=60)))
    waiter.start()
    time.sleep(0.2)
    assert preview.rebuild()
    waiter.join(60)
    assert seen and seen[0].generation > start


def test_rebuilds_when_a_source_changes_and_writes_nothing_into_build(tmp_path, monkeypatch):
    manifest = project(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    ready, stop, urls = threading.Event(), threading.Event(), []
    builder = pack_builder(manifest, formats=["epub"], jobs=1)
    thread = threading.Thread(target=serve, kwargs={
        "target": manifest, "port": 0, "builder": builder, "copy_to": tmp_path / "copies", "stop": stop,
        "on_ready": lambda url: (urls.append(url), ready.set())})
    thread.start()
    try:
        assert ready.wait(120), "no first build in 120 s"
        host, port = urls[0].split("//")[1].strip("/").split(":")
        address = (host, int(port))
        state = json.loads(request(address, "/__pubbuild/events")[2])
        assert state["build"] == 1
        source = manifest.parent / "sources" / "clean.html"
        source.write_text(source.read_text().replace("northern light", "southern beacon"))
        deadline = time.monotonic() + 60
        # The build is on show before its "building" flag drops (one more generation): wait for both.
        while (state["build"] == 1 or state["building"]) and time.monotonic() < deadline:
            state = json.loads(request(address, f"/__pubbuild/events?since={state['generation']}")[2])
        assert state["build"] == 2 and state["error"] is None
        index = lhtml.fromstring(request(address, "/")[2])
        href = next(a.get("href") for a in index.iter("a") if a.text_content() == "Lighthouse keepers")
        page = request(address, href)[2]
        assert b"southern beacon" in page and b"northern light" not in page
        assert [p.name for p in (tmp_path / "copies").iterdir()] == ["serve-test.epub"]
        # What a build writes (the article cache in build/, the copies) calls for no build of its
        # own: two seconds on, nothing has started.
        time.sleep(2)
        settled = json.loads(request(address, "/__pubbuild/events")[2])
        assert settled["generation"] == state["generation"] and not settled["building"]
        # A style is a change like any other.
        (manifest.parent / "styles").mkdir(exist_ok=True)
        (manifest.parent / "styles" / "epub.css").write_text("p { color: #600; }\n")
        deadline = time.monotonic() + 60
        while (state["build"] < 3 or state["building"]) and time.monotonic() < deadline:
            state = json.loads(request(address, f"/__pubbuild/events?since={state['generation']}")[2])
        assert state["build"] == 3
    finally:
        stop.set()
        thread.join(30)
    assert not thread.is_alive()
    assert list((tmp_path / "tmp").iterdir()) == []  # the preview's builds are gone
    # Only the article cache (shared with `pubbuild build`) may be written there.
    assert [p.name for p in (manifest.parent / "build").glob("*")] in ([], [".cache"])


def test_a_change_made_during_a_build_is_built_next(tmp_path):
    manifest = project(tmp_path)
    source = manifest.parent / "sources" / "clean.html"
    epub_only = pack_builder(manifest, formats=["epub"], jobs=1)
    building, saved, calls = threading.Event(), threading.Event(), []

    def slow(out):  # build 2 lasts until the second save has landed, so that it surely lands during it
        calls.append(out)
        building.set()
        result = epub_only(out)
        if len(calls) == 2:
            assert saved.wait(60), "the test never saved the second edit"
        return result

    ready, stop, urls = threading.Event(), threading.Event(), []
    thread = threading.Thread(target=serve, kwargs={
        "target": manifest, "port": 0, "builder": slow, "stop": stop,
        "on_ready": lambda url: (urls.append(url), ready.set())})
    thread.start()
    try:
        assert ready.wait(120)
        host, port = urls[0].split("//")[1].strip("/").split(":")
        address = (host, int(port))
        building.clear()
        source.write_text(source.read_text().replace("northern light", "first edit"))
        assert building.wait(60)
        source.write_text(source.read_text().replace("first edit", "second edit"))
        saved.set()
        state = json.loads(request(address, "/__pubbuild/events")[2])
        deadline = time.monotonic() + 90
        while (state["build"] < 3 or state["building"]) and time.monotonic() < deadline:
            state = json.loads(request(address, f"/__pubbuild/events?since={state['generation']}")[2])
        assert state["build"] >= 3  # the save during build 2 called for one more
        index = lhtml.fromstring(request(address, "/")[2])
        href = next(a.get("href") for a in index.iter("a") if a.text_content() == "Lighthouse keepers")
        assert b"second edit" in request(address, href)[2]
    finally:
        stop.set()
        thread.join(30)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_cli_stops_cleanly_on_a_signal(tmp_path, sig):
    manifest = project(tmp_path)
    proc, url = start_cli(manifest, tmp_path / "tmp", "--format", "epub")
    try:
        host, port = url.split("//")[1].strip("/").split(":")
        assert request((host, int(port)), "/")[0] == 200
        proc.send_signal(sig)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    rest = []
    while (line := proc.rest.get(timeout=10)) is not None:
        rest.append(line)
    assert rest == ["stopped\n"]
    assert list((tmp_path / "tmp").iterdir()) == []
    with socket.socket() as s:  # the port is free again
        s.bind((host, int(port)))


def test_cli_prints_each_builds_findings_once_with_verbose(tmp_path):
    """``serve -v`` prints a build's diagnostics as it goes on show, each once (the EPUB-only
    stage and the full build read the same articles: one build's findings, not two)."""
    manifest = project(tmp_path)
    proc, _ = start_cli(manifest, tmp_path / "tmp", "-v")
    try:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    deadline = time.monotonic() + 10
    while not any("preview stopped" in line for line in proc.errors) and time.monotonic() < deadline:
        time.sleep(0.1)
    found = [line.split(": ")[2].split()[0] for line in proc.errors
             if line.startswith("sources/flawed.html") and ": warning: " in line]
    assert sorted(found) == ["A001", "A002", "S007"], proc.errors


def test_a_browser_leaving_is_not_an_error(tmp_path, capfd, caplog):
    preview = Preview(lambda out: None, tmp_path, tmp_path)
    with running(preview) as server:
        for gone in (BrokenPipeError(32, "Broken pipe"), ConnectionResetError(104, "reset")):
            try:
                raise gone
            except ConnectionError:
                server.handle_error(None, ("127.0.0.1", 5))
        try:
            raise ValueError("a bug")
        except ValueError:
            server.handle_error(None, ("127.0.0.1", 5))
    out, err = capfd.readouterr()
    assert out == err == ""  # the library logs, never prints
    assert {r.levelname for r in caplog.records if r.name == "pubbuild.serve"} == {"ERROR"}
    assert "a bug" in caplog.text


def test_a_busy_port_is_a_clear_error(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        with pytest.raises(ConfigurationError, match="--port"):
            PreviewServer(Preview(lambda out: None, tmp_path, tmp_path), "127.0.0.1", s.getsockname()[1])


def test_binding_beyond_loopback_warns(tmp_path, caplog):
    manifest = project(tmp_path)
    # 192.0.2.1 (documentation range) is no address of this machine: the bind fails, nothing is sent
    with pytest.raises(ConfigurationError, match="cannot listen on 192.0.2.1"):
        serve(manifest, host="192.0.2.1", port=0, builder=lambda out: None)
    assert "anyone who can reach this address can read the preview" in caplog.text


def test_a_missing_manifest_is_refused_before_serving(tmp_path):
    with pytest.raises(ConfigurationError, match="manifest not found"):
        serve(tmp_path / "nope.yaml", port=0)


def test_loopback_addresses():
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.0.2.7", "example.org", ""))


@pytest.mark.parametrize("args", [["--port", "70000"], ["--port", "-1"], ["--port", "http"], ["-j", "0"]])
def test_bad_serve_options_are_usage_errors(args, capsys):
    with pytest.raises(SystemExit) as stop:
        make_parser().parse_args(["serve", *args])
    assert stop.value.code == 2 and args[0] in capsys.readouterr().err


def test_every_serve_argument_has_help():
    parser = make_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices["serve"]
    missing = [a.dest for a in sub._actions if not a.help]
    assert not missing, missing


def test_cleanup_leaves_no_work_folder_after_a_failed_first_build(tmp_path, monkeypatch):
    manifest = project(tmp_path)
    manifest.write_text("title: [\n")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    ready, stop, urls = threading.Event(), threading.Event(), []
    thread = threading.Thread(target=serve, kwargs={"target": manifest, "port": 0, "stop": stop,
                                                        "on_ready": lambda url: (urls.append(url), ready.set())})
    thread.start()
    ready.wait(60)
    try:
        host, port = urls[0].split("//")[1].strip("/").split(":")
        index = request((host, int(port)), "/")[2]
        assert b"The last build failed" in index and b"Nothing built yet" in index
        assert b"pubbuild.yaml:2:1: invalid YAML" in index
    finally:
        stop.set()
        thread.join(30)
    assert list((tmp_path / "tmp").iterdir()) == []
