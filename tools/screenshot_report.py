#!/usr/bin/env python3
"""Renders an HTML file (a load-test report, a trace page) in headless
Chromium and writes PNG screenshots at desktop and phone widths.

    tools/screenshot_report.py report.html                      # report-1280.png, report-390.png beside it
    tools/screenshot_report.py report.html --out docs/images/demo-report --widths 1280,390 --dark
    tools/screenshot_report.py report.html --viewport           # the first screen only, not the whole page
    tools/screenshot_report.py report.html --only phases,latency # the title and these panels only

Exits non-zero, naming them, when the page logs a console error, throws, or
has a load blocked (its Content-Security-Policy forbids any fetch)."""

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chromium_devtools import Chromium, png_size  # noqa: E402


def show_only(page, ids: list[str]) -> list[str]:
    """Hides the page's panels (section.panel) other than `ids`; returns the ids it lacks."""
    return page.evaluate(f"""(() => {{
        const keep = {json.dumps(ids)};
        const panels = [...document.querySelectorAll('section.panel')];
        for (const p of panels) if (!keep.includes(p.id)) p.style.display = 'none';
        return keep.filter(id => !panels.some(p => p.id === id));
    }})()""")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("html", type=Path, help="the HTML file to render")
    parser.add_argument("--out", type=Path, help="prefix of the PNG files (default: the HTML file without .html)")
    parser.add_argument("--widths", default="1280,390", help="CSS pixel widths, comma-separated (default 1280,390)")
    parser.add_argument("--dark", action="store_true", help="also render with prefers-color-scheme: dark (<prefix>-<width>-dark.png)")
    parser.add_argument("--viewport", action="store_true", help="only the first screen (800 px high), not the whole page")
    parser.add_argument("--only", help="ids of the panels to show, comma-separated; the page's other panels are hidden")
    parser.add_argument("--max-height", type=int, default=16000, help="cut full-page shots at this height (default 16000)")
    args = parser.parse_args()

    if not args.html.is_file():
        parser.error(f"{args.html} is not a file")
    try:
        widths = [int(w) for w in args.widths.split(",") if w.strip()]
    except ValueError:
        parser.error(f"--widths takes numbers such as 1280,390, got {args.widths!r}")
    if not widths or any(not 200 <= w <= 4000 for w in widths):
        parser.error("each width must be in [200, 4000]")
    only = [p.strip() for p in args.only.split(",") if p.strip()] if args.only is not None else None
    if only is not None and (not only or not all(re.fullmatch(r"[A-Za-z0-9_-]+", p) for p in only)):
        parser.error(f"--only takes panel ids such as phases,latency, got {args.only!r}")
    prefix = args.out or args.html.with_suffix("")
    prefix.parent.mkdir(parents=True, exist_ok=True)

    failed = False
    with Chromium() as browser:
        for dark in ([False, True] if args.dark else [False]):
            for width in widths:
                page = browser.open(args.html.resolve().as_uri(), width=width, dark=dark)
                if only is not None:
                    missing = show_only(page, only)
                    if missing:
                        print(f"  no panel with id {', '.join(missing)} in {args.html}", file=sys.stderr)
                        page.close()
                        return 1
                path = page.screenshot(f"{prefix}-{width}{'-dark' if dark else ''}.png", full_page=not args.viewport,
                                       max_height=args.max_height)
                w, h = png_size(path)
                print(f"{path}: {w}x{h}")
                for error in page.errors:
                    print(f"  page error at width {width}: {error}", file=sys.stderr)
                    failed = True
                page.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
