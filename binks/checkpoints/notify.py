"""PostgreSQL ``LISTEN``: what other replicas committed, as it is committed.

One connection per replica listens on a few channels and hands each notification's payload
to its handler, in the order PostgreSQL delivers them (commit order). Notifications are
hints, never the truth: the tables are. A notification lost while the connection was down
is made up for by ``on_reconnect`` (the event log re-reads what its live readers follow),
and a handler that fails is logged without stopping the others.

:func:`notify` sends one from any transaction; it is delivered when that transaction commits.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from sqlalchemy import Connection

from binks.checkpoints import sql
from binks.checkpoints.sql import Statement

logger = logging.getLogger(__name__)

Handler = Callable[[str], Awaitable[None]]
#: Seconds between attempts to get the listening connection back.
RECONNECT_S = 1.0


_NOTIFY = Statement("SELECT pg_notify(:channel, :payload)")


def notify(connection: Connection, channel: str, payload: str) -> None:
    """Send ``payload`` on ``channel`` when the caller's transaction commits (PostgreSQL only)."""
    if connection.dialect.name == "postgresql":
        sql.execute(connection, _NOTIFY, channel=channel, payload=payload)


class Listener:
    """Listens on ``handlers``' channels until :meth:`close`; reconnects by itself."""

    def __init__(
        self,
        url: str,
        handlers: Mapping[str, Handler],
        on_reconnect: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.url = url
        self.handlers = dict(handlers)
        self.on_reconnect = on_reconnect
        self.ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Connect and listen; returns once the first connection listens."""
        self._task = asyncio.get_running_loop().create_task(self._run(), name="binks-listen")
        waiter = asyncio.ensure_future(self.ready.wait())
        await asyncio.wait({waiter, self._task}, return_when=asyncio.FIRST_COMPLETED)
        if not self.ready.is_set():
            waiter.cancel()
            self._task.result()  # raises what stopped it

    async def close(self) -> None:
        """Stop listening."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        from psycopg import AsyncConnection, OperationalError

        first = True
        while True:
            try:
                async with await AsyncConnection.connect(self.url, autocommit=True) as connection:
                    for channel in self.handlers:
                        await connection.execute(f"LISTEN {channel}")
                    if not first and self.on_reconnect is not None:
                        await self.on_reconnect()
                    first = False
                    self.ready.set()
                    async for note in connection.notifies():
                        await self._dispatch(note.channel, note.payload)
            except OperationalError as exc:
                if first:
                    raise
                logger.warning("lost the PostgreSQL listening connection (%s); reconnecting", exc)
                await asyncio.sleep(RECONNECT_S)

    async def _dispatch(self, channel: str, payload: str) -> None:
        handler = self.handlers.get(channel)
        if handler is None:
            return
        try:
            await handler(payload)
        except Exception:
            logger.exception("handling a notification on %s failed", channel)
