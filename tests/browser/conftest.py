"""A real headless Chromium, driven through Playwright's sync API, against pytest-django's live server.

Chromium is Debian's (/usr/bin/chromium): `playwright install` cannot download a browser here.
Without it the browser tests are skipped with a visible reason, unless BROWSER_TESTS_REQUIRED=1
(CI sets it), in which case they fail: browser tests must never be skipped silently in CI.
"""

from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIServer
from django.db import connection, connections

from tests.support.browser import CHROMIUM_MISSING, TIMEOUT_MS, chromium


class _OneRequestAtATime(WSGIServer):
    """Django's live server, handling one request at a time.

    On an in-memory SQLite test database every request thread shares the test's one connection;
    a page that fetches several photos at once (each view audited) would race on it.
    """

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def _sequential_live_server_on_sqlite():
    from django.test.testcases import LiveServerThread

    if connection.vendor != "sqlite":
        yield
        return
    threaded = LiveServerThread.server_class
    LiveServerThread.server_class = _OneRequestAtATime
    yield
    LiveServerThread.server_class = threaded


@pytest.fixture
def browser(monkeypatch):
    """One Chromium per test: Playwright's event loop then never outlives the browser tests.

    Playwright's sync API keeps an asyncio loop running in this thread, which makes Django refuse
    ORM calls from the test itself (SynchronousOnlyOperation). Allowing them is safe here, and the
    permission is lifted again (monkeypatch) once the browser is gone.
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as launched:
        try:
            yield launched
        finally:
            # While Playwright's loop counts as running, Django keeps this thread's database connections apart
            # from its usual ones (asgiref's Local switches to per-context storage), so the test's ORM calls
            # open connections that Django's own teardown never sees. Close them here, still inside that
            # storage: on PostgreSQL one left open stops the test database from being dropped.
            connections.close_all()


@pytest.fixture
def page_problems():
    """What went wrong inside the page: script errors and failed requests. A healthy journey leaves it empty."""
    return []


@pytest.fixture
def browser_locale():
    """The browser's language (its Accept-Language); a test may parametrize it."""
    return "en-GB"


@pytest.fixture
def page(request, browser, live_server, page_problems, tmp_path, browser_locale):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale=browser_locale
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.on("pageerror", lambda error: page_problems.append(f"script error: {error}"))
    tab.on("console", lambda message: _console_error(message, page_problems))
    tab.on("response", lambda response: _error_response(response, page_problems))
    tab.on("requestfailed", lambda req: page_problems.append(f"request failed: {req.url} ({req.failure})"))
    try:
        yield tab
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            # Where the browser was when the test failed, for whoever reads the CI log.
            shot = Path("test-results") / f"{request.node.name}.png"
            shot.parent.mkdir(exist_ok=True)
            try:
                tab.screenshot(path=shot, full_page=True)
                print(f"\nScreenshot of the failing page: {shot.resolve()}")
            except Exception as error:
                print(f"\nNo screenshot of the failing page: {error}")
        context.close()


def _console_error(message, problems):
    if message.type == "error":
        problems.append(f"console: {message.text} ({message.location.get('url')})")


def _error_response(response, problems):
    if response.status >= 400:
        problems.append(f"HTTP {response.status} {response.url}")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


def pytest_terminal_summary(terminalreporter):
    """Say it loudly when the browser tests did not run: a skip alone is easy to miss."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if CHROMIUM_MISSING in str(getattr(report, "longrepr", ""))
    ]
    if skipped:
        terminalreporter.write_sep("=", "browser tests did not run", yellow=True, bold=True)
        terminalreporter.write_line(f"{len(skipped)} browser test(s) skipped: {CHROMIUM_MISSING}.")
        terminalreporter.write_line("Set BROWSER_TESTS_REQUIRED=1 to make this a failure (CI does).")
