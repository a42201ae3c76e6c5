"""Run a Binks server process for tests: the real app, a scripted model, a chosen toolbox.

``python -m tests.fakes.serve --state-dir D --script S.json [--kubeconfig K]`` binds a free
loopback port, prints ``PORT <n>`` on stdout, and serves until SIGTERM (graceful) or
SIGKILL (a crash). The API key comes from ``BINKS_API_KEY``, other settings from the
environment too (``BINKS_DATABASE_URL``, ``BINKS_REPLICA_ID``, ``BINKS_LEASE_S`` for replica
tests). With ``--kubeconfig`` the tools are the real ``KubeToolbox`` pointed at that cluster
(the ``kube_api`` fixture's kubeconfig); without it, the in-memory ``FakeToolbox``. With
``--per-task NAMESPACE`` the model is :class:`~tests.reliability.models.PerTaskModel` (it
answers each thread from its own task, so any replica can continue any thread) instead of
the script.
"""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path

import uvicorn
from langchain_core.language_models import BaseChatModel

from binks.logs import configure_logging
from binks.server.app import create_app
from binks.server.runs import DRAIN_GRACE_S
from binks.settings import load_settings
from binks.tools.protocol import Toolbox
from binks.tools.toolbox import KubeToolbox
from tests.fakes.chat_model import ScriptedChatModel
from tests.fakes.toolbox import Deployment, FakeToolbox


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fakes.serve")
    parser.add_argument("--state-dir", required=True, type=Path)
    parser.add_argument("--script", required=True, type=Path, help="JSON list of model answers")
    parser.add_argument("--kubeconfig", type=Path, help="use the real tools against this cluster")
    parser.add_argument("--per-task", metavar="NAMESPACE", help="answer from each thread's task (replicas)")
    parser.add_argument("--deployments", type=int, default=0, metavar="N", help="fake shop/web-0..N-1")
    args = parser.parse_args(argv)

    overrides: dict[str, object] = {"state_dir": args.state_dir}
    if args.kubeconfig is not None:
        overrides["kubeconfig_path"] = args.kubeconfig
    settings = load_settings(env_file=None, **overrides)
    configure_logging("text", "INFO")
    toolbox: Toolbox
    if args.kubeconfig is not None:
        toolbox = KubeToolbox(settings)
    elif args.deployments:
        toolbox = FakeToolbox(
            deployments={("shop", f"web-{i}"): Deployment() for i in range(args.deployments)}
        )
    else:
        toolbox = FakeToolbox()
    model: BaseChatModel = ScriptedChatModel.from_file(args.script)
    if args.per_task:
        from tests.reliability.models import PerTaskModel

        model = PerTaskModel.create(namespace=args.per_task)
    app = create_app(settings, model=model, toolbox=toolbox)

    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP,
    # and without it every response waits ~40 ms for the client's delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sys.stdout.write(f"PORT {sock.getsockname()[1]}\n")
    sys.stdout.flush()
    config = uvicorn.Config(
        app, log_config=None, lifespan="on", timeout_graceful_shutdown=int(DRAIN_GRACE_S + 15)
    )
    uvicorn.Server(config).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
