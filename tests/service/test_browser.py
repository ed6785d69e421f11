"""The page in a real browser (Debian's chromium through Playwright): a coder pastes a note,
sees 20982, clicks it to light up its evidence, rejects a line and finds the rejection after a
reload; notes carrying markup run nothing."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from server import running_server
from svc_notes import BONE_NOTE

import case2code

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
OUT = Path(__file__).resolve().parents[2] / "out"

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser tests: {CHROMIUM} is missing", pytrace=False)
    pytest.skip(
        f"{CHROMIUM} not installed (apt-get install chromium; .ci/run does)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("browser") / "audit.db"
    with running_server({"C2C_DB": f"sqlite:///{db}", "C2C_STORE_TEXT": "1"}) as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    outside: list[str] = []

    def offline(route):
        outside.append(route.request.url)
        route.abort()

    context.route(re.compile(r"^(?!http://127\.0\.0\.1[:/])"), offline)
    pg = context.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    context.close()
    assert outside == [], f"the page reached outside the server: {outside}"


def _code_note(page, server, text):
    page.goto(server + "/")
    page.fill("#note-text", text)
    page.fill("#dos", "2025-06-02")
    page.click("#code-button")
    page.wait_for_selector(".codes-pane")
    page.wait_for_load_state("domcontentloaded")  # app.js rewrites the URL when the DOM is ready


def test_paste_click_highlight_reject_and_reload(page, server):
    expected = [e.text for e in case2code.code_note(BONE_NOTE).cpt[0].evidence]
    _code_note(page, server, BONE_NOTE)
    line = page.locator("#cpt-0")
    assert line.locator(".code").first.inner_text() == "20982"
    page.wait_for_url(re.compile(re.escape(server) + r"/codings/[0-9a-f]{32}$"), timeout=10_000)

    line.locator(".title").click()
    lit = page.locator(".seg.hl").all_inner_texts()
    assert lit, "clicking the line highlights nothing"
    joined = "".join(lit)
    assert all(words in joined for words in expected)
    assert "active" in line.get_attribute("class")

    line.locator(".reason").fill("needle placed but no energy delivered")
    line.locator("button[value=reject]").click()
    page.wait_for_selector("#cpt-0 .badge.reject")
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / "service-page.png"))

    page.reload()
    badge = page.locator("#cpt-0 .badge.reject")
    assert badge.inner_text() == "Rejected"
    assert "no energy delivered" in page.locator("#cpt-0 .verdict").inner_text()
    page.locator("#cpt-0 .title").click()
    assert page.locator(".seg.hl").count() > 0  # stored text, evidence still there


def test_keyboard_moves_between_lines_and_accepts(page, server):
    _code_note(page, server, BONE_NOTE)
    page.locator("body").press("j")
    assert "active" in page.locator("#cpt-0").get_attribute("class")
    page.keyboard.press("a")
    page.wait_for_selector("#cpt-0 .badge.accept")
    page.keyboard.press("j")
    assert "active" in page.locator("#icd10-0").get_attribute("class")


INJECTIONS = [
    "<script>window.__pwned = 'script'; alert('script')</script>",
    "<img src=x onerror=\"window.__pwned = 'img'; alert('img')\">",
    '"><svg onload="window.__pwned=\'svg\'">',
]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_markup_in_a_note_or_a_reason_runs_nothing(page, server, payload):
    note = BONE_NOTE + "\n" + payload + "\n"
    _code_note(page, server, note)
    assert page.locator("#note").inner_text().count(payload) == 1  # shown as text
    assert page.locator("#note img, #note script, #note svg").count() == 0
    line = page.locator("#cpt-0")
    line.locator(".title").click()
    line.locator(".reason").fill(payload)
    line.locator("button[value=reject]").click()
    page.wait_for_selector("#cpt-0 .badge.reject")
    page.reload()
    assert payload in page.locator("#cpt-0 .verdict").inner_text()
    page.goto(server + "/lookup?q=" + payload)
    page.wait_for_load_state("load")
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == []


def test_lookup_links_between_codes(page, server):
    page.goto(server + "/lookup?q=20982")
    assert page.locator("#clinical_examples li").count() == 10
    page.locator("a[href='/lookup?q=77013']").first.click()
    page.wait_for_selector("article.entry")
    assert page.locator(".entry h2 .code").inner_text() == "77013"


def test_api_docs_render_offline(page, server):
    page.goto(server + "/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    assert page.locator(".opblock-summary-path", has_text="/v1/code").count() >= 1
