"""Run ``binks serve`` as a service of the workstation: systemd on Linux, launchd on macOS.

The unit files are templates shipped in ``binks/templates``; :func:`plan_install` fills in
the paths of *this* installation (the ``binks`` executable of the running venv, the state
dir), so the service runs the same Binks the person just tested by hand.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

from binks.errors import ConfigError

Flavor = Literal["system", "user", "launchd"]
LAUNCHD_LABEL = "dev.binks.serve"
SYSTEM_USER = "binks"
SYSTEM_STATE_DIR = Path("/var/lib/binks")
SYSTEM_ENV_FILE = Path("/etc/binks/binks.env")


@dataclass(frozen=True)
class ServicePlan:
    """What installing (or removing) the service writes and runs, shown before it happens."""

    flavor: Flavor
    path: Path
    content: str
    enable: list[list[str]] = field(default_factory=list)
    disable: list[list[str]] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def default_flavor() -> Flavor:
    """Pick the service manager of this platform: launchd on macOS, a systemd system unit on Linux."""
    return "launchd" if sys.platform == "darwin" else "system"


def binks_executable() -> Path:
    """The ``binks`` script of the running installation (beside its Python)."""
    candidate = Path(sys.executable).parent / "binks"
    if candidate.is_file():
        return candidate
    found = shutil.which("binks")
    if found is None:
        raise ConfigError("cannot find the binks executable; run this from the venv Binks is installed in")
    return Path(found)


def _template(name: str) -> str:
    return resources.files("binks.templates").joinpath(name).read_text(encoding="utf-8")


def plan_install(flavor: Flavor, *, home: Path, binks: Path, state_dir: Path) -> ServicePlan:
    """Render the unit for ``flavor`` with this installation's paths."""
    if flavor == "system":
        content = _template("binks.service").format(
            binks=binks, user=SYSTEM_USER, state_dir=SYSTEM_STATE_DIR, env_file=SYSTEM_ENV_FILE
        )
        return ServicePlan(
            flavor=flavor,
            path=Path("/etc/systemd/system/binks.service"),
            content=content,
            enable=[["systemctl", "daemon-reload"], ["systemctl", "enable", "--now", "binks.service"]],
            disable=[["systemctl", "disable", "--now", "binks.service"]],
            status=["systemctl", "status", "--no-pager", "binks.service"],
            notes=[
                f"create the service user first: useradd --system --home {SYSTEM_STATE_DIR} {SYSTEM_USER}",
                f"settings (OLLAMA_BASE_URL, KUBECONFIG_PATH, ...) go in {SYSTEM_ENV_FILE}; "
                f"the kubeconfig must be readable by {SYSTEM_USER}",
                "logs: journalctl -u binks -f",
            ],
        )
    if flavor == "user":
        env_file = home / ".config" / "binks" / "binks.env"
        content = _template("binks-user.service").format(binks=binks, state_dir=state_dir, env_file=env_file)
        return ServicePlan(
            flavor=flavor,
            path=home / ".config" / "systemd" / "user" / "binks.service",
            content=content,
            enable=[
                ["systemctl", "--user", "daemon-reload"],
                ["systemctl", "--user", "enable", "--now", "binks.service"],
            ],
            disable=[["systemctl", "--user", "disable", "--now", "binks.service"]],
            status=["systemctl", "--user", "status", "--no-pager", "binks.service"],
            notes=[
                f"settings go in {env_file}",
                "logs: journalctl --user -u binks -f",
                "to keep it running after you log out: loginctl enable-linger $USER",
            ],
        )
    log_dir = home / "Library" / "Logs" / "binks"
    path = home / "Library" / "LaunchAgents" / f"{LAUNCHD_LABEL}.plist"
    content = _template(f"{LAUNCHD_LABEL}.plist").format(
        binks=binks, state_dir=state_dir, log_dir=log_dir, working_dir=state_dir
    )
    domain = f"gui/{os.getuid()}" if hasattr(os, "getuid") else "gui/501"
    return ServicePlan(
        flavor=flavor,
        path=path,
        content=content,
        enable=[["launchctl", "bootstrap", domain, str(path)]],
        disable=[["launchctl", "bootout", f"{domain}/{LAUNCHD_LABEL}"]],
        status=["launchctl", "print", f"{domain}/{LAUNCHD_LABEL}"],
        notes=[
            f"settings: put a .env in {state_dir} (the service's working directory)",
            f"logs: {log_dir}/binks.log",
        ],
    )


def write_unit(plan: ServicePlan) -> None:
    """Write the unit file (and the state and log folders the launchd agent needs)."""
    try:
        plan.path.parent.mkdir(parents=True, exist_ok=True)
        plan.path.write_text(plan.content, encoding="utf-8")
    except PermissionError as exc:
        hint = "run it as root (sudo)" if plan.flavor == "system" else "check the folder's permissions"
        raise ConfigError(f"cannot write {plan.path}: {hint}, or use --print to see the file") from exc


def run_commands(commands: list[list[str]]) -> None:
    """Run the service manager's commands, stopping at the first failure with its output."""
    for command in commands:
        if shutil.which(command[0]) is None:
            raise ConfigError(f"{command[0]} not found: this machine does not run that service manager")
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        if result.returncode != 0:
            raise ConfigError(f"{' '.join(command)} failed: {result.stderr.strip() or result.stdout.strip()}")
