#!/usr/bin/env bash
# Make sure the system libraries pubbuild needs are present (Debian/Ubuntu):
# Pango/HarfBuzz for WeasyPrint, Java for EPUBCheck, qpdf and poppler for the PDF checks,
# chromium for the browser tests.
# Installs only what is missing, and only when it can (root + apt-get).
set -euo pipefail
need=()
ldconfig -p 2>/dev/null | grep libpango-1.0 >/dev/null || need+=(libpango-1.0-0 libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep libharfbuzz-subset >/dev/null || need+=(libharfbuzz-subset0)
command -v java >/dev/null || need+=(openjdk-17-jre-headless)
command -v qpdf >/dev/null || need+=(qpdf)
command -v pdffonts >/dev/null || need+=(poppler-utils)
# Chromium: the browser test of `pubbuild serve`, and Ace by DAISY (tools/ace.sh).
command -v chromium >/dev/null || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing system packages: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "missing system packages: ${need[*]} (install them, e.g. with apt-get)" >&2
  exit 1
fi
