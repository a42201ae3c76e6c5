"""Terminal output for the ``binks`` commands: event lines, the plan with its diff, prompts.

Only the client's models are used here; like the TUI, this package talks to the server
through :mod:`binks.client` and never imports the graph, the tools or the server.
"""
