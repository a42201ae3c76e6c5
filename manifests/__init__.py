"""Cluster manifests shipped with Binks (data only: kustomizations, RBAC, worker templates).

This file exists so the folder installs as the package-data package ``binks.manifests``;
``binks.tools.workers`` finds the templates through :mod:`importlib.resources`.
"""
