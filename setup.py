"""Package list for setuptools.

The Python code lives under ``binks/``; the cluster manifests live at the top of the
repository (``manifests/``, where a person runs ``kubectl apply -k``) and install as the
data package ``binks.manifests``. ``pyproject.toml`` cannot combine automatic discovery with
that one mapped folder, so the list is computed here: every folder below ``manifests/`` is a
data package of its own, which keeps setuptools from warning that it would drop them.
"""

from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
MANIFESTS = HERE / "manifests"

manifest_packages = [
    "binks.manifests",
    *sorted(
        "binks.manifests." + ".".join(path.relative_to(MANIFESTS).parts)
        for path in MANIFESTS.rglob("*")
        if path.is_dir() and "__pycache__" not in path.parts
    ),
]

setup(
    packages=[*find_packages(include=["binks", "binks.*"]), *manifest_packages],
    package_dir={"binks.manifests": "manifests"},
)
