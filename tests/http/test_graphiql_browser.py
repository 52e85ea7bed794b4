"""GraphiQL in a real browser: headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright) loads /graphql from a server process, a token is pasted into the "Bearer token"
field, a query is put into the editor and run, and the result pane shows the answer.

Every request the page makes is recorded (anything not addressed to the local server is
aborted before it leaves the machine and fails the test), and so is every console error.

Without Chromium or Playwright the tests are skipped, unless REGISTRY_TEST_BROWSER=required
(set by .ci/run), where they fail instead.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from models.enums import Role
from server.auth import mint_token
from server.settings import Settings
from tests.support.concurrency_server import Server, serving

# Backend-independent (the GraphiQL page in a browser): .ci/run runs it on PostgreSQL only.
pytestmark = pytest.mark.any_backend

if TYPE_CHECKING:
    from playwright.async_api import Browser, ConsoleMessage, Page, Request, Route

CHROMIUM = Path(os.environ.get("REGISTRY_TEST_CHROMIUM", "/usr/bin/chromium"))
REQUIRED = os.environ.get("REGISTRY_TEST_BROWSER", "") == "required"
# No network beyond the local server, no first-run or background traffic, a headless GPU-less
# machine; Playwright gives every launch a fresh temporary profile (user-data-dir).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# The machine may be busy: every wait is explicit and generous, and nothing is timed.
TIMEOUT_MS = 60_000

# Chromium fetches a source map only with devtools open; should it ever ask, the 404 is
# harmless (maps are deliberately not vendored, see server/static/graphiql/VERSIONS.txt).
HARMLESS_404 = re.compile(r"\.map(\?|$)")


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    reason = _missing()
    if reason:
        if REQUIRED:
            pytest.fail(f"REGISTRY_TEST_BROWSER=required, but {reason}")
        pytest.skip(reason)
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        # Playwright's own browser builds are never downloaded: it drives Debian's Chromium.
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS, timeout=TIMEOUT_MS
        )
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture(scope="module")
async def server(database: str, db_url: Any) -> AsyncIterator[Server]:
    """The registry as a separate uvicorn process on the migrated and seeded test database."""
    async with serving(db_url[3], start_timeout=60.0) as running:
        yield running


@dataclass
class Visit:
    """One page in its own browser context (fresh storage: no token left from another test),
    with what it sent and what it logged."""

    page: Page
    server: Server
    requests: list[Request] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        foreign = set(self.foreign)
        for request in self.requests:
            parts = urlsplit(request.url)
            if parts.scheme in ("data", "blob"):
                continue  # inline content: no network
            if f"{parts.scheme}://{parts.netloc}" != self.server.url:
                foreign.add(request.url)
        return [f"request to another host: {url}" for url in sorted(foreign)] + [
            f"console: {message}" for message in self.errors
        ]

    async def explain(self, waited_for: str) -> str:
        """Why a wait ran out: what the page shows, what it sent and logged, the server's log."""
        shown = await self.page.locator("body").inner_text(timeout=5_000)
        sent = "\n".join(f"  {r.method} {r.url} {r.post_data or ''}"[:300] for r in self.requests)
        return (
            f"GraphiQL never showed {waited_for!r}.\npage text:\n{shown[:3000]}\n"
            f"requests:\n{sent}\nproblems: {self.problems()}\n"
            f"server log:\n{self.server.output()}"
        )

    def graphql_posts(self) -> list[Request]:
        return [
            r for r in self.requests if r.method == "POST" and urlsplit(r.url).path == "/graphql"
        ]


@pytest.fixture
async def visit(browser: Browser, server: Server) -> AsyncIterator[Visit]:
    context = await browser.new_context(base_url=server.url, service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    page = await context.new_page()
    seen = Visit(page, server)

    async def only_local(route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and (
            f"{parts.scheme}://{parts.netloc}" != server.url
        ):
            seen.foreign.append(url)
            await route.abort("blockedbyclient")
        else:
            await route.continue_()

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "") if message.location else ""
        if "404" in message.text and HARMLESS_404.search(where):
            return
        seen.errors.append(f"{message.text} ({where})" if where else message.text)

    await context.route("**/*", only_local)
    context.on("request", lambda request: seen.requests.append(request))
    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.errors.append(f"uncaught: {error}"))
    try:
        yield seen
    finally:
        await context.close()


async def open_graphiql(visit: Visit) -> Page:
    page = visit.page
    response = await page.goto("/graphql", wait_until="load")
    assert response is not None and response.ok, response
    # React has rendered GraphiQL: the query editor and the run button are on screen.
    await page.locator(".graphiql-query-editor .CodeMirror").wait_for(state="visible")
    await page.locator(".graphiql-execute-button").wait_for(state="visible")
    return page


async def put_query(page: Page, query: str) -> None:
    """Replace the editor's content as a paste would (no typed keys, so no auto-closed
    brackets), then check the editor holds exactly that query."""
    editor = page.locator(".graphiql-query-editor .CodeMirror")
    await editor.click()
    await page.keyboard.press("Control+A")
    await page.keyboard.press("Delete")
    await page.keyboard.insert_text(query)
    held = await editor.evaluate("element => element.CodeMirror.getValue()")
    assert held == query, held


async def run_and_read(visit: Visit, *expected: str) -> str:
    """Click the run button and wait until the result pane shows every expected string."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    page = visit.page
    await page.locator(".graphiql-execute-button").click()
    response = page.locator(".graphiql-response .CodeMirror")
    for text in expected:
        try:
            await response.get_by_text(text, exact=False).first.wait_for(state="visible")
        except PlaywrightTimeout:
            raise AssertionError(await visit.explain(text)) from None
    result: str = await response.evaluate("element => element.CodeMirror.getValue()")
    return result


def city_token(settings: Settings, region: str) -> str:
    return mint_token(settings, Role.CITY, region=region, subject="graphiql-browser-test")


async def test_graphiql_runs_a_query_with_the_pasted_token(
    visit: Visit, settings: Settings
) -> None:
    token = city_token(settings, "350200")
    page = await open_graphiql(visit)

    await page.get_by_label("Bearer token").fill(token)
    await page.locator("#auth-status").get_by_text("sending Authorization header").wait_for()
    await put_query(page, "{ me { role region { code } } }")
    result = await run_and_read(visit, '"role": "CITY"', '"350200"')

    assert '"code": "350200"' in result, result
    assert '"errors"' not in result, result
    queries = [r for r in visit.graphql_posts() if "me { role region" in (r.post_data or "")]
    assert queries, [r.url for r in visit.requests]
    assert (await queries[-1].all_headers()).get("authorization") == f"Bearer {token}"
    assert not visit.problems(), visit.problems()


async def test_graphiql_without_a_token_is_the_public(visit: Visit) -> None:
    page = await open_graphiql(visit)

    await page.locator("#auth-status").get_by_text("no Authorization header (public)").wait_for()
    await put_query(page, "{ me { role } }")
    result = await run_and_read(visit, '"role": "PUBLIC"')

    assert '"errors"' not in result, result
    posts = visit.graphql_posts()
    assert any("me { role }" in (r.post_data or "") for r in posts), [r.url for r in posts]
    for request in posts:
        assert "authorization" not in await request.all_headers(), request.post_data
    assert not visit.problems(), visit.problems()
