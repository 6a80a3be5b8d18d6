#!/bin/sh
# Renders the pictures of the tutorial pages: every tutorial script that shows
# a report as a picture (t:picture in scripts/tutorials) runs with --check
# --html, and headless Chromium (tools/screenshot_report.py) turns each report
# into docs/tutorials/<series>/images/<name>-1280.png, showing only the panels
# the script named, when it named some. `make tutorial-images`.
#
# SYSLAB_LUA names the interpreter (default: .build/release/syslab-lua).
set -eu
cd "$(dirname "$0")/.."
LUA=${SYSLAB_LUA:-.build/release/syslab-lua}
PYTHON=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for script in $(grep -l ':picture(' scripts/tutorials/*/*.lua); do
  series=$(basename "$(dirname "$script")")
  mkdir -p "$work/$series"
  "$LUA" "$script" --check --html "$work/$series" > /dev/null
done

for html in "$work"/*/*.html; do
  [ -e "$html" ] || { echo "tutorial_images: no script wrote a report" >&2; exit 1; }
  series=$(basename "$(dirname "$html")")
  name=$(basename "$html" .html)
  mkdir -p "docs/tutorials/$series/images"
  # A picture limited to some panels (t:picture's third argument) shows only those.
  only=
  [ -e "${html%.html}.panels" ] && only="--only=$(cat "${html%.html}.panels")"
  "$PYTHON" tools/screenshot_report.py "$html" --out "docs/tutorials/$series/images/$name" --widths 1280 $only
done
