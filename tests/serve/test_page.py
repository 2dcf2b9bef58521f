"""The shopping-guide page in a real headless Chromium against a live server: pick attributes, show
products, see one in other colours, play a morph, edit and upscale an uploaded photo; nothing is
fetched from outside the server.

Uses Debian's chromium (`apt-get install chromium`) through Playwright's executable_path; never
`playwright install`. Skips only when no chromium is installed. PRODUCTGAN_UPDATE_SCREENSHOT=1
also writes the screenshot to docs/serve-page.png.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PIL import Image

from productgan.serve import ServeSettings, create_app

from helpers.enhance import trained_runs
from helpers.live_server import open_shop_page, serving
from helpers.photo import studio_photo

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DOCS_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "serve-page.png"

pytestmark = [pytest.mark.slow,  # a browser drives a live server
              pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (apt-get install -y chromium); browser test skipped")]


@pytest.fixture
def live_server(registry, tmp_path_factory):
    """A real uvicorn server on 127.0.0.1 in a background thread, offering a tiny learned x2
    upscaler beside the classical chain; yields its base URL."""
    from productgan.serve.enhancers import PhotoEnhancers

    upscaler = trained_runs(tmp_path_factory.mktemp("page-enhancer"), ("sr2",), steps=2, products=4)["sr2"]
    app = create_app(registry, ServeSettings(), PhotoEnhancers.load([upscaler], shipped=False))
    with serving(app) as url:
        yield url


LOADED = "els => els.length > 0 && els.every(img => img.complete && img.naturalWidth > 0)"


def wait_images_loaded(page, selector: str, count: int) -> None:
    page.wait_for_function(f"() => {{ const els = [...document.querySelectorAll('{selector}')];"
                           f" return els.length === {count} && ({LOADED})(els); }}", timeout=20_000)


def test_shopping_page_shows_products_variants_and_a_morph(live_server, tmp_path):
    from playwright.sync_api import sync_playwright

    outside = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = open_shop_page(browser, live_server, outside)
            page.select_option("[data-testid=model-select]", "shop")
            page.select_option("[data-testid=attr-color]", "red")
            page.select_option("[data-testid=attr-size]", "small")
            page.fill("[data-testid=count-input]", "6")
            page.click("[data-testid=show-button]")
            wait_images_loaded(page, "[data-testid=product-image]", 6)
            assert page.eval_on_selector("[data-testid=product-image]", "img => img.naturalWidth") == 32

            page.click("[data-testid=product-card] >> nth=0")
            wait_images_loaded(page, "[data-testid=variant-image]", 2)
            captions = page.locator("[data-testid=variant-card] figcaption").all_text_contents()
            assert captions == ["blue", "red"]
            assert "in other colours" in page.text_content("[data-testid=variants-title]")

            assert page.is_disabled("[data-testid=morph-button]")
            page.click("[data-testid=product-card] >> nth=3")
            page.click("[data-testid=morph-button]")
            page.wait_for_function("() => { const img = document.querySelector('[data-testid=morph-image]');"
                                   " return !img.hidden && img.complete && img.naturalWidth > 0; }", timeout=20_000)
            assert "Morph from #1 to #4" in page.text_content("[data-testid=status]")

            Image.fromarray(studio_photo()[0]).save(tmp_path / "shirt.png")
            page.set_input_files("[data-testid=photo-file]", str(tmp_path / "shirt.png"))
            page.click("[data-testid=photo-button]")
            page.wait_for_function("() => { const img = document.querySelector('[data-testid=photo-result]');"
                                   " return !img.hidden && img.complete && img.naturalWidth > 0; }", timeout=20_000)
            assert page.eval_on_selector("[data-testid=photo-result]", "img => img.naturalWidth") == 96
            assert page.text_content("[data-testid=status]") == "Photo ready."

            page.select_option("[data-testid=photo-operation]", "enhance:sr2")  # offered: the server loaded it
            page.click("[data-testid=photo-button]")
            page.wait_for_function("() => document.querySelector('[data-testid=photo-result]').naturalWidth === 192",
                                   timeout=20_000)
            page.select_option("[data-testid=photo-operation]", "recolor")  # the screenshot shows the recolour
            page.click("[data-testid=photo-button]")
            page.wait_for_function("() => document.querySelector('[data-testid=photo-result]').naturalWidth === 96",
                                   timeout=20_000)
            screenshot = page.screenshot(full_page=True)
        finally:
            browser.close()
    assert outside == []  # no CDN, no fonts, nothing but the server itself
    assert screenshot.startswith(b"\x89PNG")
    (tmp_path / "serve-page.png").write_bytes(screenshot)
    if os.environ.get("PRODUCTGAN_UPDATE_SCREENSHOT") == "1":
        DOCS_SCREENSHOT.write_bytes(screenshot)


def test_photo_form_defaults_per_operation_errors_beside_the_form_and_no_broken_morph_image(live_server, tmp_path):
    """Before any morph the morph image takes no space (no broken-image icon); Scale sends its own
    default factor (not Rotate's 15 degrees); a refused photo clears the previous result and says why
    next to the form."""
    from playwright.sync_api import sync_playwright

    Image.fromarray(studio_photo()[0]).save(tmp_path / "shirt.png")
    Image.fromarray(studio_photo()[0]).save(tmp_path / "shirt.gif")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 820})
            page.goto(live_server + "/")
            page.wait_for_selector("[data-testid=attr-color] option[value=red]", state="attached")
            assert not page.is_visible("[data-testid=morph-image]")
            assert page.eval_on_selector("[data-testid=morph-image]", "img => img.getBoundingClientRect().height") == 0

            assert not page.is_visible("[data-testid=photo-amount]")  # recolour takes a colour, no amount
            page.select_option("[data-testid=photo-operation]", "scale")
            assert page.is_visible("[data-testid=photo-amount]") and page.input_value("[data-testid=photo-amount]") == "2"
            assert not page.is_visible("[data-testid=photo-color]")
            page.set_input_files("[data-testid=photo-file]", str(tmp_path / "shirt.png"))
            page.click("[data-testid=photo-button]")
            page.wait_for_function("() => document.querySelector('[data-testid=photo-status]').textContent !== 'Processing photo...'",
                                   timeout=20_000)
            assert page.text_content("[data-testid=photo-status]") == "Photo ready."  # 15 was refused: factor <= 10
            assert page.is_visible("[data-testid=photo-result]")
            before = page.eval_on_selector("[data-testid=photo-before]", "img => [img.naturalWidth, img.getBoundingClientRect().x]")
            after = page.eval_on_selector("[data-testid=photo-result]", "img => [img.naturalWidth, img.getBoundingClientRect().x]")
            assert before[0] == studio_photo()[0].shape[1] and after[1] > before[1]  # the photo as chosen, the result beside it
            assert page.text_content("[data-testid=photo-result-caption]") == "After: Scale"

            page.select_option("[data-testid=photo-operation]", "rotate")
            assert page.input_value("[data-testid=photo-amount]") == "15"
            page.set_input_files("[data-testid=photo-file]", str(tmp_path / "shirt.gif"))
            page.click("[data-testid=photo-button]")
            page.wait_for_function("() => document.querySelector('[data-testid=photo-status]').classList.contains('error')",
                                   timeout=20_000)
            assert "GIF is not accepted" in page.text_content("[data-testid=photo-status]")
            assert not page.is_visible("[data-testid=photo-result]")  # the scaled photo is gone, not left as if it were the answer
            assert page.is_visible("[data-testid=photo-before]")  # the photo that was refused stays shown as chosen

            page.select_option("[data-testid=photo-operation]", "cutout")
            assert page.is_visible("[data-testid=photo-background]") and not page.is_visible("[data-testid=photo-amount]")
            page.set_input_files("[data-testid=photo-file]", str(tmp_path / "shirt.png"))
            page.click("[data-testid=photo-button]")
            page.wait_for_function("() => document.querySelector('[data-testid=photo-status]').textContent === 'Photo ready.'",
                                   timeout=20_000)
            corner_alpha = page.evaluate("""() => { const img = document.querySelector('[data-testid=photo-result]');
                const canvas = document.createElement('canvas'); canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
                const context = canvas.getContext('2d'); context.drawImage(img, 0, 0);
                return context.getImageData(0, 0, 1, 1).data[3]; }""")
            assert corner_alpha == 0  # the backdrop came back transparent

            page.select_option("[data-testid=photo-operation]", "prepare:marketplace")
            page.click("[data-testid=photo-button]")
            page.wait_for_function("() => document.querySelector('[data-testid=photo-result]').naturalWidth >= 1000",
                                   timeout=30_000)
            assert page.eval_on_selector("[data-testid=photo-result]", "img => img.naturalWidth === img.naturalHeight")
            assert "Marketplace" in page.text_content("[data-testid=photo-result-caption]")
        finally:
            browser.close()
