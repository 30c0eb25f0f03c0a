"""``detente serve``: the REST API and the dashboard over the store, in one process.

    detente serve --db events.duckdb            # http://127.0.0.1:8000/
"""

from __future__ import annotations

import ipaddress
import secrets
import socket

import click

from detente.cli.common import db_option, main, store_errors


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
    except (OSError, ValueError):
        return False


@main.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (loopback by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--token", envvar="DETENTE_TOKEN", help="Token required for writes (reviews); generated when --host is not loopback.")
def serve_command(db: str, host: str, port: int, token: str | None) -> None:
    """Serve the dashboard and the REST API (OpenAPI at /docs). The server owns the database
    while it runs: other commands that need the file say so; query it through the API."""
    import uvicorn

    from detente.store import Store
    from detente.web.app import create_app

    if not is_loopback(host) and not token:
        token = secrets.token_urlsafe(24)
        click.echo(f"detente: listening beyond loopback: writes need 'Authorization: Bearer {token}'", err=True)
    url = f"http://{host}:{port}/"
    with store_errors(), Store.open(db) as store:
        store.claim("detente serve", url=url)
        click.echo(f"detente: serving {db} at {url} (API docs at {url}docs); Ctrl-C to stop", err=True)
        uvicorn.run(create_app(store, token=token), host=host, port=port, log_level="warning")
