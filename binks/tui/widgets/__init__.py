"""Widgets of the main screen: the threads sidebar, the conversation, the connection line."""
