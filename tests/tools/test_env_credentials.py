"""Environment values named like credentials stay out of every output; other values stay in.

A Deployment's ``env`` may hold literal credentials (``POSTGRES_PASS``, ``SIGNING_KEY``,
``DATABASE_URL``); kubectl shows them in ``get``, ``describe``, ``set env --list`` and
templates. The names are generated from the shapes people use, with values the model must
never see, beside ordinary settings it needs to see to diagnose a workload.
"""

from __future__ import annotations

import shlex

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
    "CONNECTION_STRING", "COOKIE_SECRET",
]  # fmt: skip
ORDINARY = {"LOG_LEVEL": "debug-visible", "PORT": "8080", "KEY_PREFIX": "cache-visible"}
READS = [
    "get deploy web -o yaml",
    "get deploy web -o json",
    "describe deploy web",
    "get deploy web -o jsonpath={..env}",
    "get deploy web -o custom-columns=E:..env",
    "label deploy web a=b --dry-run=server -o jsonpath={..env}",
]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(
        st.builds(str.__add__, st.sampled_from(PREFIXES), st.sampled_from(CREDENTIALS)),
        min_size=1,
        max_size=3,
        unique=True,
    ),
    read=st.sampled_from(READS),
)
async def test_credential_values_never_show_and_ordinary_values_do(
    toolbox: KubeToolbox, kube_api: KubeApi, names: list[str], read: str
) -> None:
    web = deployment("web")
    env = [{"name": name, "value": f"canary-{index}-s3cr3t"} for index, name in enumerate(names)]
    env += [{"name": name, "value": value} for name, value in ORDINARY.items()]
    web["spec"]["template"]["spec"]["containers"][0]["env"] = env
    kube_api.apply(web)
    try:
        output = (await toolbox.read("run_kubectl", {"command": read})).output
    except CommandRefused as exc:
        raise AssertionError(f"{read} is an ordinary read") from exc
    assert "s3cr3t" not in output, (shlex.quote(read), names, output)
    if "<redacted>: this output" not in output:
        assert "debug-visible" in output, (read, output)
