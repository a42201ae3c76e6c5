"""Binks: the brain of a home or lab Kubernetes cluster, driven by a local LLM.

The root package stays tiny on purpose: ``binks --help`` imports it, and the command must
answer fast without loading LangGraph, Textual or the Kubernetes client.
"""

__version__ = "0.1.0"
