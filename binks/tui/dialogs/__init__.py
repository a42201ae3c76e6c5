"""Modal dialogs: the approval card and the small prompts it opens (reason, edit)."""
