"""Service unit templates (package data) rendered by binks.service."""
