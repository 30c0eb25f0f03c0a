"""Helpers for the dashboard's browser tests: the real app served on 127.0.0.1 from a thread,
and Debian's chromium driven by Playwright with every request beyond 127.0.0.1 refused.

>>> with serve(create_app(store)) as base_url:                      # doctest: +SKIP
...     with sync_playwright() as p:
...         browser = launch(p)
...         page, watch = open_page(browser)
...         page.goto(base_url)
...         assert watch.clean(), watch.report()

Chromium is told to resolve no host name but 127.0.0.1 (``--host-resolver-rules``), and the
page's routes abort any request to another host and record it, so that a test can assert that
the dashboard never tried to reach the outside world (no CDN, fonts or map tiles).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import uvicorn

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
LOCAL_HOST = "127.0.0.1"


def chromium_path() -> str | None:
    """Debian's chromium on PATH (never a browser downloaded by ``playwright install``)."""
    return shutil.which("chromium")


@contextmanager
def serve(app: Any, timeout: float = 10.0) -> Iterator[str]:
    """Run ``app`` with uvicorn in a background thread on a free port; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # binding port 0 ourselves and handing the socket over leaves no window for another process
    sock.bind((LOCAL_HOST, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="dashboard-server")
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the dashboard server did not start")
        time.sleep(0.02)
    try:
        yield f"http://{LOCAL_HOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()


def launch(playwright: Any) -> Any:
    """Headless chromium with the flags that keep it quiet and local."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


@dataclass
class Watch:
    """What a page did that a test should know of: errors, dialogs, requests beyond 127.0.0.1."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def clean(self) -> bool:
        return not (self.console_errors or self.page_errors or self.dialogs or self.blocked)

    def report(self) -> str:
        return (f"console errors: {self.console_errors}; page errors: {self.page_errors}; "
                f"dialogs: {self.dialogs}; requests beyond {LOCAL_HOST}: {self.blocked}")


def open_page(browser: Any, width: int = 1280, height: int = 800) -> tuple[Any, Watch]:
    """A new page at the dashboard's target size, watched (see ``Watch``)."""
    context = browser.new_context(viewport={"width": width, "height": height}, service_workers="block")
    context.set_default_timeout(10_000)  # a view that is not there in 10 s is broken, not slow
    page = context.new_page()
    watch = Watch()

    def route(request_route: Any) -> None:
        url = request_route.request.url
        host = urlsplit(url).hostname
        if url.startswith(("data:", "blob:")) or host == LOCAL_HOST:
            request_route.continue_()
        else:
            watch.blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda msg: watch.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda err: watch.page_errors.append(str(err)))

    def dialog(d: Any) -> None:
        watch.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)
    return page, watch
