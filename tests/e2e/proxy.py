"""A TCP relay between the bot and Synapse that a test can cut: a homeserver outage without
stopping the homeserver (the people in the test keep talking to Synapse directly).

    proxy = await TcpProxy.start(homeserver.port)    # the bot's homeserver: proxy.url
    await proxy.cut()        # open connections reset, new ones refused
    await proxy.bad_gateway()  # every request answered 502 (a reverse proxy, Synapse down)
    await proxy.restore()    # relaying again, on the same port
    await proxy.close()
"""

from __future__ import annotations

import asyncio
from contextlib import suppress

from .synapse import free_port

CHUNK = 65_536
BAD_GATEWAY = (
    b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: 24\r\n"
    b"Connection: close\r\n\r\n<h1>502 Bad Gateway</h1>"
)


class TcpProxy:
    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._failing = False

    @classmethod
    async def start(cls, target_port: int) -> TcpProxy:
        proxy = cls(target_port)
        await proxy.restore()
        return proxy

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def cut_off(self) -> bool:
        return self._server is None

    async def restore(self) -> None:
        """Listen (again) and relay every connection to the target."""
        await self._listen(failing=False)

    async def bad_gateway(self) -> None:
        """Answer every request with a 502 instead of relaying it (open connections reset)."""
        await self._listen(failing=True)

    async def _listen(self, failing: bool) -> None:
        if self._failing != failing:
            await self.cut()
        self._failing = failing
        if self._server is None:
            self._server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)

    async def cut(self) -> None:
        """Stop listening (connections are refused) and reset every open connection."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()
        if server is not None:
            await server.wait_closed()

    async def close(self) -> None:
        await self.cut()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._failing:
            with suppress(ConnectionError, OSError, asyncio.IncompleteReadError):
                await reader.readuntil(b"\r\n\r\n")  # the request's head; its body is dropped
                writer.write(BAD_GATEWAY)
                writer.close()
                await writer.wait_closed()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        if self.cut_off:  # cut while connecting
            writer.transport.abort()
            up_writer.transport.abort()
            return
        self._writers.update((writer, up_writer))
        try:
            await asyncio.gather(_pump(reader, up_writer), _pump(up_reader, writer))
        finally:
            for end in (writer, up_writer):
                self._writers.discard(end)
                end.transport.abort()


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy until end of stream or a reset; then the other direction ends too."""
    with suppress(ConnectionError, OSError):
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
