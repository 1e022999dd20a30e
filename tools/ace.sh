#!/usr/bin/env bash
# tools/ace.sh FILE.epub... : run Ace by DAISY on each EPUB; exit 1 on any violation.
# Installs @daisy/ace-cli (pinned) into .cache/ace and Debian's chromium when missing.
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
ACE_DIR="$HERE/.cache/ace"
ACE_VERSION=1.4.6
WITH_ACE=1 bash "$HERE/tools/system-deps.sh"
command -v node >/dev/null || { echo "ace: Node.js is required" >&2; exit 2; }
export PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 ELECTRON_SKIP_BINARY_DOWNLOAD=1
ACE="$ACE_DIR/node_modules/@daisy/ace-cli/bin/ace.js"
if [ ! -f "$ACE" ]; then
  mkdir -p "$ACE_DIR"
  [ -f "$ACE_DIR/package.json" ] || echo '{"name":"pubbuild-ace","private":true}' > "$ACE_DIR/package.json"
  npm --prefix "$ACE_DIR" install --save-exact --no-audit --no-fund "@daisy/ace-cli@$ACE_VERSION" >"$ACE_DIR/install.log" 2>&1 \
    || { tail -20 "$ACE_DIR/install.log" >&2; exit 2; }
fi
# Chromium as root on a closed network needs these flags (puppeteer adds --headless itself).
WRAP="$ACE_DIR/chromium-headless"
cat > "$WRAP" <<'WRAPEOF'
#!/bin/sh
exec /usr/bin/chromium --no-sandbox --headless --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --disable-quic --disable-dev-shm-usage "$@"
WRAPEOF
chmod +x "$WRAP"
export PUPPETEER_EXECUTABLE_PATH="$WRAP"
status=0
for epub in "$@"; do
  out="$(mktemp -d)"
  if ! node "$ACE" -f -s -o "$out" "$epub" >"$out/ace.log" 2>&1 || [ ! -s "$out/report.json" ]; then
    if [ ! -s "$out/report.json" ]; then
      echo "ace: Ace could not check $epub:" >&2; tail -20 "$out/ace.log" >&2; status=2; continue
    fi
  fi
  python3 - "$out/report.json" "$epub" <<'PY' || status=1
import json, sys
r = json.load(open(sys.argv[1]))
v = []
for a in r.get("assertions", []):
    for b in a.get("assertions", []):
        if b["earl:result"]["earl:outcome"] == "fail":
            t = b["earl:test"]
            v.append(f'  [{t.get("earl:impact")}] {t.get("dct:title")} @ {a["earl:testSubject"]["url"]}: '
                     + " ".join(b["earl:result"].get("dct:description", "").split())[:300])
md = r.get("a11y-metadata", {})
print(f"ace: {sys.argv[2]}: outcome={r['earl:result']['earl:outcome']} violations={len(v)} "
      f"missing-metadata={md.get('missing')}")
print("\n".join(v)) if v else None
sys.exit(1 if v else 0)
PY
  rm -rf "$out"
done
exit $status
