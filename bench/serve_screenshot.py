"""The README's picture of the shopping-guide page, made by driving the real page in Chromium.

    python bench/serve_screenshot.py --run demo-out --photo ../shared/datasets/luma/images/mb01-blue-0.jpg \
        [--enhancer runs/enhance-sr4] [--out docs/serve-page.png]

Starts the service on a free local port over RUN (and any learned enhancers), picks a category and
colour, shows products, opens one in other colours, plays a morph, likes two products (the "For
you" row; the run needs its encoder beside it or none), and recolours the photo through
the "Edit or enhance your own photo" form; then writes a full-page screenshot. Needs Debian's
chromium (as the browser test does); nothing is downloaded.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import threading
import time
from pathlib import Path

import uvicorn

from productgan.serve import ServeSettings, create_app
from productgan.serve.enhancers import PhotoEnhancers
from productgan.serve.registry import load_models

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
READY = "() => { const img = document.querySelector('{sel}'); return img && !img.hidden && img.complete && img.naturalWidth > 0; }"


def start_server(run: str, enhancers: list[str], port: int = 8765) -> uvicorn.Server:
    app = create_app(load_models(run, device="cpu"), ServeSettings(), PhotoEnhancers.load(enhancers))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server


def drive(url: str, photo: str, out: Path, category: str | None, color: str) -> None:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("no chromium on PATH (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 900, "height": 820})
        page.goto(url)
        page.wait_for_selector("[data-testid=attr-color] option", state="attached")
        if category:
            page.select_option("[data-testid=attr-category]", category)
        page.select_option("[data-testid=attr-color]", color)
        page.fill("[data-testid=count-input]", "6")
        page.click("[data-testid=show-button]")
        page.wait_for_function(READY.replace("{sel}", "[data-testid=product-image]"), timeout=30_000)
        page.click("[data-testid=product-card] >> nth=0")
        page.wait_for_function(READY.replace("{sel}", "[data-testid=variant-image]"), timeout=30_000)
        page.click("[data-testid=product-card] >> nth=3")
        page.click("[data-testid=morph-button]")
        page.wait_for_function(READY.replace("{sel}", "[data-testid=morph-image]"), timeout=30_000)
        hearts = page.locator("[data-testid=like-button]")  # two likes: the "For you" row appears
        hearts.nth(1).click()
        hearts.nth(4).click()
        page.wait_for_function(READY.replace("{sel}", "[data-testid=foryou-image]"), timeout=120_000)
        page.set_input_files("[data-testid=photo-file]", photo)
        page.click("[data-testid=photo-button]")
        page.wait_for_function(READY.replace("{sel}", "[data-testid=photo-result]"), timeout=60_000)
        out.write_bytes(page.screenshot(full_page=True))
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", default="demo-out")
    parser.add_argument("--photo", required=True, help="a product photo to recolour in the page's photo form")
    parser.add_argument("--enhancer", action="append", default=[], help="learned enhancer checkpoint(s) to offer")
    parser.add_argument("--category", default="shoe")
    parser.add_argument("--color", default="red")
    parser.add_argument("--out", default="docs/serve-page.png")
    args = parser.parse_args()
    server = start_server(args.run, args.enhancer)
    try:
        drive("http://127.0.0.1:8765/", args.photo, Path(args.out), args.category, args.color)
    finally:
        server.should_exit = True
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
