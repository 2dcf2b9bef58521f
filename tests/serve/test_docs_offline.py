"""/docs works offline: Swagger UI's assets come from the server (fastapi-offline), never a CDN, and
in a real browser it renders every endpoint, the photo forms included, without an outside request."""

from __future__ import annotations

import re
import shutil

import pytest

from productgan.serve import ServeSettings, create_app

from helpers.live_server import serving

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def references(html: str) -> list[str]:
    return re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', html) + re.findall(r"url:\s*'([^']+)'", html)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_doc_pages_reference_only_the_server_itself(client, page):
    response = client.get(page)
    assert response.status_code == 200
    html = response.text
    assert "cdn." not in html and "googleapis" not in html
    found = references(html)
    assert found and all(url.startswith("/") and not url.startswith("//") for url in found), found
    for url in found:
        asset = client.get(url)
        assert asset.status_code == 200 and len(asset.content) > 100, url


def test_swagger_ui_asks_no_online_validator(client):
    assert '"validatorUrl": null' in client.get("/docs").text


def test_the_photo_forms_are_described_for_docs(client):
    paths = client.get("/openapi.json").json()["paths"]
    edit = paths["/api/photo/edit"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert edit["properties"]["file"] == {"type": "string", "format": "binary"}
    assert {"file", "operation"} <= set(edit["required"]) and "factor" in edit["properties"]
    enhance = paths["/api/photo/enhance"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert {"file", "mask", "task", "chain"} <= set(enhance["properties"]) and "mask" not in enhance["required"]


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (apt-get install -y chromium); browser test skipped")
def test_docs_render_in_a_browser_without_outside_requests(registry):
    from playwright.sync_api import sync_playwright

    from test_page import CHROMIUM_ARGS

    outside = []
    with serving(create_app(registry, ServeSettings())) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            page.on("request", lambda request: outside.append(request.url)
                    if not request.url.startswith((base, "data:", "blob:")) else None)
            page.goto(base + "/docs")
            page.wait_for_selector(".opblock-summary-path", timeout=20_000)
            shown = page.locator(".opblock-summary-path").all_text_contents()
        finally:
            browser.close()
    assert outside == []
    assert {"/api/generate", "/api/photo/edit", "/api/photo/enhance"} <= {path.strip("\u200b") for path in shown}
