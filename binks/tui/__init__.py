"""The Binks terminal app (Textual): threads, the conversation as it streams, the approval card.

It talks to the server only through :mod:`binks.client` (import-linter keeps it that way),
so it runs on a laptop with nothing but the server's URL and key.
"""
