// pubbuild serve: reloads this page when a newer build is in; shows a failed build's error.
(() => {
  const me = document.currentScript;
  // A page shows an EPUB build, the PDF page a PDF build: each reloads when its own is newer.
  const watched = me.dataset.watch === "pdf" ? "pdf_build" : "build";
  const shown = Number(me.dataset.build);
  const NS = "http://www.w3.org/1999/xhtml";
  const box = document.createElementNS(NS, "div");
  box.setAttribute("role", "status");
  box.id = "pubbuild-preview-status";
  Object.assign(box.style, {position: "fixed", right: "0.5em", bottom: "0.5em", zIndex: 2147483647,
    maxWidth: "40em", padding: "0.4em 0.7em", font: "14px/1.4 sans-serif", background: "#fff",
    color: "#222", border: "1px solid #888", borderRadius: "4px", whiteSpace: "pre-wrap"});
  const home = document.createElementNS(NS, "a");
  home.href = "/";
  home.textContent = "Preview contents";
  const text = document.createElementNS(NS, "span");
  box.append(home, text);
  document.body.append(box);
  function show(state) {
    if (state.error) {
      text.textContent = "\nThe last build failed (still showing build " + state.build + "):\n" +
        state.error.join("\n");
      box.style.borderColor = "#b00";
    } else {
      text.textContent = state.building ? " · rebuilding…" : "";
      box.style.borderColor = "#888";
    }
  }
  const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
  (async () => {
    let since = null;
    for (;;) {
      let state;
      try {
        const answer = await fetch("/__pubbuild/events" + (since === null ? "" : "?since=" + since),
                                   {cache: "no-store"});
        state = await answer.json();
      } catch (e) {
        text.textContent = " · the preview server does not answer";
        await sleep(2000);
        continue;
      }
      if (state[watched] !== shown) { location.reload(); return; }
      show(state);
      since = state.generation;
    }
  })();
})();
