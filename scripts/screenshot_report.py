"""Make docs/report.png: the report of examples/news-article.html, as headless Chromium shows it.

    python scripts/screenshot_report.py [--out docs/report.png] [--chromium /usr/bin/chromium]

Needs the ``playwright`` package (the ``test`` extra) and a system Chromium (Debian's
``chromium`` package); no browser is downloaded. The shot hides the navigation blocks with the
legend's filter and opens the votes of the standfirst under the headline.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from pageparts.host.runner import Runner
from pageparts.output.report import read_pages, write_report
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = "examples/news-article.html"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "report.png")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        [row] = write_report(read_pages(Runner(), [str(ROOT / EXAMPLE)]), tmp)
        browser = playwright.chromium.launch(executable_path=args.chromium)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto((Path(tmp) / row.href).as_uri())
        page.wait_for_selector("body[data-ready]")
        page.evaluate("h => { document.querySelector('header.top h1').textContent = h }", EXAMPLE)
        page.locator("#legend label", has_text="navigation").locator("input").uncheck()
        standfirst = page.locator("#blocks > .b", has_text="After three wet springs").first
        standfirst.click()
        page.mouse.move(0, 0)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=args.out)
        browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
