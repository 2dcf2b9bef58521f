"""The page's hearts and "for you" row in a real headless Chromium against a live server: a like
fills the row, another like refreshes it, the likes survive a reload (kept in the browser only),
a heart is not a pick, and nothing is fetched from outside the server.

Same browser set-up as test_page.py (Debian's chromium through Playwright's executable_path).
"""

from __future__ import annotations

import json

import pytest

from productgan.serve import ServeSettings, create_app

from helpers.live_server import open_shop_page, serving
from test_page import CHROMIUM, CHROMIUM_ARGS, wait_images_loaded

pytestmark = [pytest.mark.slow,  # a browser drives a live server
              pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (apt-get install -y chromium); browser test skipped")]


@pytest.fixture
def shop_server(registry, tmp_path, monkeypatch):
    """A uvicorn server over the suite's tiny models on a free port, in a thread; yields its URL."""
    monkeypatch.setenv("PRODUCTGAN_CACHE", str(tmp_path / "cache" / "catalogs"))
    with serving(create_app(registry, ServeSettings())) as url:
        yield url


def foryou_sources(page) -> list[str]:
    return page.eval_on_selector_all("[data-testid=foryou-image]", "els => els.map(img => img.src)")


def wait_foryou_status(page, text: str) -> None:
    page.wait_for_function(f"() => document.querySelector('[data-testid=foryou-status]').textContent.includes({text!r})",
                           timeout=20_000)


def test_hearts_fill_and_refresh_the_foryou_row_kept_in_the_browser(shop_server):
    from playwright.sync_api import sync_playwright

    outside = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = open_shop_page(browser, shop_server, outside)
            page.select_option("[data-testid=model-select]", "shop")
            page.select_option("[data-testid=attr-color]", "red")
            page.fill("[data-testid=count-input]", "4")
            page.click("[data-testid=show-button]")
            wait_images_loaded(page, "[data-testid=product-image]", 4)
            assert not page.is_visible("[data-testid=foryou-section]")  # nothing liked yet

            hearts = page.locator("[data-testid=like-button]")
            hearts.nth(0).click()
            assert hearts.nth(0).get_attribute("aria-pressed") == "true"
            wait_foryou_status(page, "From the 1 product you liked.")
            wait_images_loaded(page, "[data-testid=foryou-image]", 6)
            first = foryou_sources(page)
            assert not page.is_visible("[data-testid=variants-section]")  # a heart is not a pick

            hearts.nth(2).click()
            wait_foryou_status(page, "From the 2 products you liked.")
            wait_images_loaded(page, "[data-testid=foryou-image]", 6)
            assert foryou_sources(page) != first  # the row follows the history

            stored = json.loads(page.evaluate("() => localStorage.getItem('productgan.liked')"))
            assert [(p["model"], p["seed"], p["attributes"]) for p in stored] == [
                ("shop", 1, {"color": "red"}), ("shop", 3, {"color": "red"})]

            page.reload()  # the likes are the browser's: the row comes back without showing products
            page.wait_for_selector("[data-testid=attr-color] option[value=red]", state="attached")
            page.select_option("[data-testid=model-select]", "mirror")  # likes are per model: none for mirror
            page.wait_for_function("() => document.querySelector('[data-testid=foryou-section]').hidden")
            page.select_option("[data-testid=model-select]", "shop")
            wait_foryou_status(page, "From the 2 products you liked.")
            page.select_option("[data-testid=attr-color]", "red")
            page.fill("[data-testid=count-input]", "4")
            page.click("[data-testid=show-button]")
            wait_images_loaded(page, "[data-testid=product-image]", 4)
            pressed = [hearts.nth(i).get_attribute("aria-pressed") for i in range(4)]
            assert pressed == ["true", "false", "true", "false"]

            page.click("[data-testid=forget-likes]")
            page.wait_for_function("() => document.querySelector('[data-testid=foryou-section]').hidden")
            assert [hearts.nth(i).get_attribute("aria-pressed") for i in range(4)] == ["false"] * 4
        finally:
            browser.close()
    assert outside == []  # no CDN, no fonts, nothing but the server itself
