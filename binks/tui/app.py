"""The Binks terminal app: ``binks tui`` runs :class:`BinksApp`."""

from __future__ import annotations

from textual.app import App

from binks.client import AsyncBinksClient, ClientConfig, load_client_config
from binks.tui.screens.main import MainScreen


class BinksApp(App[int]):
    """Connects to the server named by the client config and opens the main screen."""

    TITLE = "Binks"

    def __init__(
        self,
        config: ClientConfig | None = None,
        thread_id: str | None = None,
        client: AsyncBinksClient | None = None,
    ) -> None:
        super().__init__()
        self.client = client or AsyncBinksClient(config or load_client_config())
        self.initial_thread = thread_id

    def on_mount(self) -> None:
        """Show the main screen (with ``--thread`` opened, if given)."""
        self.push_screen(MainScreen(self.client, self.initial_thread))

    async def on_unmount(self) -> None:
        """Close the HTTP connections."""
        await self.client.aclose()
