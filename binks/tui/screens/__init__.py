"""Screens of the app: the main screen (threads, conversation, input)."""
