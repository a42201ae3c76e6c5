"""Run the fake API server by hand: ``python -m tests.fakes.kube_api --port P --kubeconfig OUT``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from tests.fakes.kube_api.fixture import write_kubeconfig
from tests.fakes.kube_api.server import ServerThread
from tests.fakes.kube_api.state import ServerState


def main(argv: list[str] | None = None) -> int:
    """Serve until interrupted, after writing the kubeconfig and applying the seed file."""
    parser = argparse.ArgumentParser(prog="python -m tests.fakes.kube_api", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--kubeconfig", type=Path, required=True, help="where to write the kubeconfig")
    parser.add_argument("--seed", type=Path, help="YAML file of objects to create at start")
    args = parser.parse_args(argv)
    state = ServerState()
    state.reset()
    if args.seed:
        for doc in yaml.safe_load_all(args.seed.read_text()):
            if doc:
                state.cluster.seed(doc)
    server = ServerThread(state, args.port)
    write_kubeconfig(args.kubeconfig, server.url, state.token)
    sys.stderr.write(f"fake Kubernetes API at {server.url}; kubeconfig: {args.kubeconfig}\n")
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
