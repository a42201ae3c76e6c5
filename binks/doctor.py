"""``binks doctor``: every precondition of a working Binks, checked, each with a one-line fix.

Checks are small functions returning :class:`Check` results; a failed check never stops
the ones after it, so one run shows everything that needs doing. Checks that depend on a
failed one (no kubectl → no cluster) report as skipped with the reason.
"""

from __future__ import annotations

import json
import sqlite3
import stat
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Literal

from binks.errors import BinksError
from binks.settings import Settings

Status = Literal["ok", "fail", "skip"]

#: What the tools need from the API server: (verb, resource, namespace or None for cluster-wide).
REQUIRED_ACCESS: tuple[tuple[str, str, str | None], ...] = (
    ("list", "nodes", None),
    ("list", "pods", None),
    ("list", "events", None),
    ("list", "deployments.apps", None),
    ("get", "pods/log", "ai-agents"),
    ("create", "jobs.batch", "ai-agents"),
    ("get", "jobs.batch", "ai-agents"),
)
WORKER_NAMESPACES = ("ai-agents", "ai-services")


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    name: str
    status: Status
    detail: str
    fix: str = ""

    def to_json(self) -> dict[str, str]:
        """The stable JSON shape of ``binks doctor --json``."""
        return asdict(self)


class _Kubectl:
    """The tools' kubectl command line and environment, run synchronously with a short timeout."""

    def __init__(self, settings: Settings) -> None:
        from binks.tools.kubectl import Kubectl

        self.runner = Kubectl(settings)
        self.binary = self.runner.binary
        self.timeout = min(settings.kubectl_timeout_s, 15.0)

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.runner.command_line(args),
            env=self.runner.environment(),
            capture_output=True,
            text=True,
            timeout=self.timeout,
            check=False,
        )


def check_state_dir(settings: Settings) -> Iterator[Check]:
    """The state dir is writable and the key file is private."""
    state = settings.state_dir
    if not state.exists():
        yield Check("state dir", "ok", f"{state} will be created on first start")
        return
    probe = state / ".doctor-probe"
    try:
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        yield Check(
            "state dir", "fail", f"{state} is not writable: {exc}", f"chown/chmod {state} for this user"
        )
        return
    yield Check("state dir", "ok", str(state))
    key = settings.api_key_file
    if key.exists():
        mode = stat.S_IMODE(key.stat().st_mode)
        if mode & 0o077:
            yield Check("api key file", "fail", f"{key} has mode {mode:o}", f"chmod 600 {key}")
        else:
            yield Check("api key file", "ok", f"{key} (mode 600)")


def check_database(settings: Settings) -> Iterator[Check]:
    """SQLite: the file opens and passes a quick integrity check. PostgreSQL: see :func:`check_postgres`."""
    from binks.checkpoints.db import database_url, is_postgres

    url = database_url(settings)
    if is_postgres(url):
        yield from check_postgres(url, settings.lease_s)
        return
    path = settings.database_path
    if not path.exists():
        yield Check("database", "ok", f"{path} will be created on first start")
        return
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            result = db.execute("PRAGMA quick_check").fetchone()
    except sqlite3.Error as exc:
        yield Check(
            "database", "fail", f"{path}: {exc}", "restore a backup (binks db backup) or move the file away"
        )
        return
    if result is None or result[0] != "ok":
        yield Check("database", "fail", f"{path}: {result}", "restore a backup or move the file away")
    else:
        yield Check("database", "ok", str(path))


def check_schema(settings: Settings) -> Iterator[Check]:
    """The database's schema is this Binks' version, or one it migrates at start."""
    from binks.checkpoints.db import sqlite_path
    from binks.checkpoints.schema import sqlite_schema_version

    path = sqlite_path(settings)
    if path is None:
        return  # check_postgres reports the schema with the rest of the database
    if not path.is_file():
        return  # check_database already said it will be created
    try:
        found = sqlite_schema_version(path)
    except sqlite3.Error as exc:
        yield Check(
            "database schema", "fail", f"cannot read the schema version: {exc}", "see the database check"
        )
        return
    yield schema_verdict(found)


def schema_verdict(found: int | None) -> Check:
    """What a schema version found in the database means for this Binks."""
    from binks.checkpoints.schema import SCHEMA_VERSION, newer_message

    if found is None:
        return Check(
            "database schema", "ok", f"Binks' tables are created at first start (schema {SCHEMA_VERSION})"
        )
    if found == SCHEMA_VERSION:
        return Check("database schema", "ok", f"schema {found} (current)")
    if found < SCHEMA_VERSION:
        return Check(
            "database schema",
            "ok",
            f"schema {found}; migrates to {SCHEMA_VERSION} at the next server start (or 'binks db migrate')",
        )
    return Check("database schema", "fail", newer_message(found), "upgrade Binks (see 'Operating Binks')")


#: The oldest PostgreSQL Binks is tested against is newer; older ones lack nothing it uses.
POSTGRES_MIN_MAJOR = 13


def check_postgres(url: str, lease_s: float) -> Iterator[Check]:
    """PostgreSQL: reachable, recent enough, the schema, and the replicas and their leases."""
    import asyncio

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from binks.checkpoints.db import using
    from binks.checkpoints.survey import survey

    shown = make_url(url).render_as_string(hide_password=True)
    try:
        found = asyncio.run(using(url, survey))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        yield Check(
            "database", "fail", f"{shown}: {reason}", "check BINKS_DATABASE_URL and that the server runs"
        )
        return
    major = int(found.server_version.split(".")[0].split()[0])
    if major < POSTGRES_MIN_MAJOR:
        yield Check(
            "database",
            "fail",
            f"{shown}: PostgreSQL {found.server_version}",
            f"use PostgreSQL {POSTGRES_MIN_MAJOR} or newer",
        )
    else:
        yield Check("database", "ok", f"{shown}: PostgreSQL {found.server_version}")
    yield schema_verdict(found.schema)
    for replica in found.replicas:
        age = (found.checked_at - replica.heartbeat_at).total_seconds()
        detail = (
            f"{replica.host} pid {replica.pid}, Binks {replica.version}, {replica.runs} run(s), "
            f"last heartbeat {age:.0f} s ago"
        )
        if age > lease_s:
            yield Check(
                f"replica {replica.replica_id}",
                "fail",
                detail + " (stopped, or cut off from the database)",
                "restart it; its runs are interrupted for another replica to resume",
            )
        else:
            yield Check(f"replica {replica.replica_id}", "ok", detail)
    if not found.replicas:
        yield Check("replicas", "ok", "none running (they register when 'binks serve' starts)")
    if found.expired:
        yield Check(
            "run leases",
            "fail",
            f"{len(found.expired)} run(s) hold an expired lease: {', '.join(found.expired[:5])}",
            "start a replica (it interrupts them for a resume), or resume them once one runs",
        )
    else:
        yield Check("run leases", "ok", f"{found.running} run(s) in progress, none with an expired lease")


def check_cluster(settings: Settings) -> Iterator[Check]:
    """kubectl, the kubeconfig, the API server, RBAC and Binks' namespaces."""
    try:
        kubectl = _Kubectl(settings)
    except BinksError as exc:
        yield Check("kubectl", "fail", str(exc), "reinstall Binks or set BINKS_KUBECTL")
        return
    client = kubectl("version", "--client", "-o", "json")
    version = json.loads(client.stdout)["clientVersion"]["gitVersion"] if client.returncode == 0 else "?"
    yield Check("kubectl", "ok", f"{kubectl.binary} ({version})")
    kubeconfig = settings.effective_kubeconfig()
    if kubeconfig is None or not kubeconfig.is_file():
        yield Check(
            "kubeconfig",
            "fail",
            f"no kubeconfig at {kubeconfig or '~/.kube/config'}",
            "set KUBECONFIG_PATH to the cluster's kubeconfig (see manifests/README.md for a restricted one)",
        )
        return
    yield Check("kubeconfig", "ok", str(kubeconfig))
    try:
        server = kubectl("version", "-o", "json")
    except subprocess.TimeoutExpired:
        yield Check(
            "cluster", "fail", "the API server did not answer in time", "is the cluster up and reachable?"
        )
        return
    if server.returncode != 0 or "serverVersion" not in server.stdout:
        message = server.stderr.strip().splitlines()[-1] if server.stderr.strip() else "no answer"
        yield Check("cluster", "fail", message, "check the server address in the kubeconfig and the network")
        return
    yield Check("cluster", "ok", f"server {json.loads(server.stdout)['serverVersion']['gitVersion']}")
    for verb, resource, namespace in REQUIRED_ACCESS:
        scope = ["-n", namespace] if namespace else ["--all-namespaces"]
        reply = kubectl("auth", "can-i", verb, resource, *scope)
        answer = reply.stdout.strip()
        where = f"in {namespace}" if namespace else "cluster-wide"
        if answer == "yes":
            yield Check(f"can {verb} {resource}", "ok", where)
        elif answer.startswith("no"):
            yield Check(
                f"can {verb} {resource}",
                "fail",
                f"{where}: {answer}",
                "apply manifests/rbac and use the binks-orchestrator service account's kubeconfig",
            )
        else:
            error = reply.stderr.strip().splitlines()[-1] if reply.stderr.strip() else "no answer"
            yield Check(
                f"can {verb} {resource}", "fail", f"{where}: could not ask: {error}", "check the cluster"
            )
    for namespace in WORKER_NAMESPACES:
        found = kubectl("get", "namespace", namespace, "-o", "name")
        if found.returncode == 0:
            yield Check(f"namespace {namespace}", "ok", "exists")
        else:
            yield Check(f"namespace {namespace}", "fail", "missing", "kubectl apply -k manifests/core")
    yield from _worker_templates(settings)


def _worker_templates(settings: Settings) -> Iterator[Check]:
    """Each worker template renders and passes the API server's dry-run, as a spawn would."""
    import asyncio

    from binks.tools.toolbox import KubeToolbox
    from binks.tools.worker_job import available_types

    types = available_types(settings)
    if not types:
        yield Check("worker templates", "fail", "none found", "set BINKS_MANIFESTS_DIR or reinstall Binks")
        return
    toolbox = KubeToolbox(settings)
    try:
        for agent_type in types:
            args = {"agent_type": agent_type, "task_params": {"doctor": True}}
            change = asyncio.run(
                toolbox.propose("spawn_worker_agent", args, thread_id="doctor", step_id="check")
            )
            if change.dry_run.ok:
                yield Check(f"worker {agent_type}", "ok", "renders and passes server-side dry-run")
            else:
                yield Check(
                    f"worker {agent_type}",
                    "fail",
                    change.dry_run.message.strip().splitlines()[-1]
                    if change.dry_run.message.strip()
                    else "refused",
                    "kubectl apply -k manifests/agents, and check the rbac for Jobs in ai-agents",
                )
    finally:
        toolbox.close()


def check_model(settings: Settings) -> Iterator[Check]:
    """The model backend answers, has the model, and the model can call tools."""
    import asyncio

    from binks.graph.model import check_model as probe

    try:
        status = asyncio.run(probe(settings))
    except BinksError as exc:
        yield Check("model", "fail", str(exc), "see the message: start the backend or pull the model")
        return
    where = f"{status.backend} {status.version or ''} at {status.base_url}".replace("  ", " ")
    if status.tools:
        yield Check("model", "ok", f"{status.model} on {where} supports tools")
    else:
        yield Check(
            "model",
            "fail",
            f"{status.model} on {where} does not support tool calls",
            "choose a tool-capable model, e.g. OLLAMA_MODEL=qwen2.5-coder:7b",
        )


CHECKS: tuple[Callable[[Settings], Iterator[Check]], ...] = (
    check_state_dir,
    check_database,
    check_schema,
    check_model,
    check_cluster,
)


def run_checks(settings: Settings) -> list[Check]:
    """Run every check; a check that crashes is reported as failed, not raised."""
    results: list[Check] = []
    for check in CHECKS:
        try:
            results.extend(check(settings))
        except (BinksError, OSError, subprocess.SubprocessError, ValueError) as exc:
            results.append(Check(check.__name__.removeprefix("check_").replace("_", " "), "fail", str(exc)))
    return results
