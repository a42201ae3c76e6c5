"""Environment values named like credentials stay out of every output; other values stay in.

A Deployment's ``env`` may hold literal credentials (``POSTGRES_PASS``, ``SIGNING_KEY``,
``DATABASE_URL``); kubectl shows them in ``get``, ``describe``, ``set env --list`` and
templates. The names are generated from the shapes people use, with values the model must
never see, beside ordinary settings it needs to see to diagnose a workload.
"""

from __future__ import annotations

import shlex

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binks.errors import CommandRefused
from binks.tools.toolbox import KubeToolbox
from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import deployment

PREFIXES = ["", "DB_", "POSTGRES_", "APP_", "REDIS_", "MY_SERVICE_"]
CREDENTIALS = [
    "PASSWORD", "PASS", "PASSWD", "PASSPHRASE", "TOKEN", "API_TOKEN", "SECRET", "CLIENT_SECRET",
    "SIGNING_KEY", "PRIVATE_KEY", "API_KEY", "ACCESS_KEY", "SECRET_KEY_BASE", "DSN", "DATABASE_URL",
    "CONNECTION_STRING", "COOKIE_SECRET", "API_KEYS", "STRIPE_SECRET_KEYS",
]  # fmt: skip
FLAGS = ["--db-password", "--token", "-api-key", "--signing-key", "--admin-pass"]
#: Characters a jsonpath prints escaped, so a plain search for the value misses them.
ODD = st.sampled_from(["", '"', "\\", "<", ">&", '\\"<'])
ORDINARY = {"LOG_LEVEL": "debug-visible", "PORT": "8080", "KEY_PREFIX": "cache-visible"}
READS = [
    "get deploy web -o yaml",
    "get deploy web -o json",
    "describe deploy web",
    "get deploy web -o jsonpath={..env}",
    "get deploy web -o custom-columns=E:..env",
    "label deploy web a=b --dry-run=server -o jsonpath={..env}",
    "get deploy web -o jsonpath={..args}",
    "get deploy web -o jsonpath={.spec.template.spec.containers[0]}",
    "rollout history deploy/web --revision=1 -o jsonpath={..env}",
]


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.sampled_from(PREFIXES).map(lambda prefix: [prefix + name for name in CREDENTIALS]),
    flag=st.sampled_from(FLAGS),
    odd=ODD,
)
@pytest.mark.parametrize("read", READS)
async def test_credential_values_never_show_and_ordinary_values_do(
    toolbox: KubeToolbox, kube_api: KubeApi, names: list[str], flag: str, odd: str, read: str
) -> None:
    web = deployment("web")
    env = [{"name": name, "value": f"canary-{index}{odd}s3cr3t"} for index, name in enumerate(names)]
    env += [{"name": name, "value": value} for name, value in ORDINARY.items()]
    container = web["spec"]["template"]["spec"]["containers"][0]
    container["env"] = env
    container["args"] = ["--verbose", f"{flag}=arg{odd}s3cr3t", "--port=8080"]
    kube_api.apply(web)
    try:
        output = (await toolbox.read("run_kubectl", {"command": read})).output
    except CommandRefused as exc:
        raise AssertionError(f"{read} is an ordinary read") from exc
    assert "s3cr3t" not in output, (shlex.quote(read), names, output)
    if "<redacted>: this output" not in output:
        visible = "--port=8080" if "args" in read else "debug-visible"
        assert visible in output, (read, output)
