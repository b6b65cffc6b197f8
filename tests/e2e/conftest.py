"""Fixtures for the end-to-end tests: one real Synapse for the whole session, and logged-in
matrix-nio clients for freshly registered users.

Every test in tests/e2e is marked `e2e` and runs in the session event loop (the loop the
session fixtures live in), so test files here need no marks of their own.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from nio import AsyncClient, AsyncClientConfig, LoginResponse

from .synapse import Homeserver, unique_name

PASSWORD = "correct horse battery staple"
_HERE = Path(__file__).parent

MakeClient = Callable[..., Awaitable[AsyncClient]]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in item.path.parents:
            item.add_marker(pytest.mark.e2e)
            # Prepended so it wins over the bare asyncio mark that asyncio_mode = "auto" adds.
            item.add_marker(pytest.mark.asyncio(loop_scope="session"), append=False)


@pytest.fixture(scope="session")
def homeserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Homeserver]:
    """A running Synapse on 127.0.0.1, shared by every e2e test of the session."""
    try:
        import synapse  # noqa: F401
    except ImportError:
        reason = "matrix-synapse is not installed: pip install -e '.[test]'"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: the e2e tests must run in CI)", pytrace=False)
        pytest.skip(reason)
    server = Homeserver(tmp_path_factory.mktemp("synapse"))
    server.start()
    yield server
    server.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def make_client(homeserver: Homeserver) -> AsyncIterator[MakeClient]:
    """A factory: `await make_client("pilot")` registers "@pilot-<8 hex>:localhost", logs in
    and returns the AsyncClient. Extra keyword arguments (device_id, store_path, config) go to
    AsyncClient; the default config returns a 429 instead of retrying it. Every client is
    closed when the test ends."""
    clients: list[AsyncClient] = []

    async def make(
        prefix: str = "user",
        *,
        admin: bool = False,
        device_id: str | None = None,
        store_path: str = "",
        config: AsyncClientConfig | None = None,
    ) -> AsyncClient:
        if config is None:
            # nio retries a 429 forever by default; a test should fail fast on one instead.
            config = AsyncClientConfig(max_limit_exceeded=0)
        name = unique_name(prefix)
        user_id = await asyncio.to_thread(homeserver.register, name, PASSWORD, admin)
        client = AsyncClient(
            homeserver.base_url, user_id, device_id=device_id, store_path=store_path, config=config
        )
        clients.append(client)
        response = await client.login(PASSWORD, device_name=name)
        assert isinstance(response, LoginResponse), response
        return client

    yield make
    for client in clients:
        await client.close()
