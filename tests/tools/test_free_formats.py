"""Template output formats on every command that prints objects, not only on ``get``.

A dry-run (``label``, ``patch``, ``set``, ``scale``, ``create``...) and ``rollout history``
print whole objects in any format the model picks; a jsonpath or a template can select an
environment value named like a password, which no scrubber finds in free text. Each
generated command runs through the real toolbox and real kubectl against the test API
server, as a read (a dry-run) and as an approved change.
"""

from __future__ import annotations

import shlex
from typing import Any

from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from binks.errors import CommandRefused
from binks.tools.toolbox import KubeToolbox
from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import deployment

ENV_CANARY = "hunter2-envcanary"

FORMATS = st.sampled_from(
    [
        "jsonpath={..env}",
        "jsonpath={..env[0].value}",
        "jsonpath={.spec.template.spec.containers[*].env[*].value}",
        "jsonpath-as-json={..env}",
        "custom-columns=V:..env[0].value",
        "custom-columns=V:.spec.template.spec.containers[0].env",
        "go-template={{range .spec.template.spec.containers}}{{.env}}{{end}}",
        "template={{.spec.template.spec.containers}}",
    ]
)
COMMANDS = st.sampled_from(
    [
        "label deploy web tier=web",
        "annotate deploy web note=x",
        "patch deploy web -p {}",
        'patch deploy web --type=merge -p {"metadata":{"labels":{"a":"b"}}}',
        "set image deploy/web web=nginx:1.27",
        "set resources deploy/web --limits=cpu=200m",
        "scale deploy web --replicas=2",
        "rollout pause deploy web",
        "label deploy --all tier=web",
        "annotate deploy -l app=web note=x",
    ]
)
DRY_RUNS = st.sampled_from(["--dry-run=server", "--dry-run=client"])


def _web() -> dict[str, Any]:
    web = deployment("web")
    web["spec"]["template"]["spec"]["containers"][0]["env"] = [{"name": "DB_PASSWORD", "value": ENV_CANARY}]
    return web


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=COMMANDS, fmt=FORMATS, dry_run=DRY_RUNS)
async def test_a_dry_run_in_a_template_format_shows_no_credential(
    toolbox: KubeToolbox, kube_api: KubeApi, command: str, fmt: str, dry_run: str
) -> None:
    kube_api.apply(_web())
    line = f"{command} {dry_run} -o {shlex.quote(fmt)}"
    try:
        output = (await toolbox.read("run_kubectl", {"command": line})).output
    except CommandRefused:
        reject()  # hypothesis fails the test if it finds too few commands Binks accepts
    assert ENV_CANARY not in output, (line, output)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=COMMANDS, fmt=FORMATS)
async def test_an_approved_change_in_a_template_format_shows_no_credential(
    toolbox: KubeToolbox, kube_api: KubeApi, command: str, fmt: str
) -> None:
    kube_api.apply(_web())
    line = f"{command} -o {shlex.quote(fmt)}"
    try:
        change = await toolbox.propose("run_kubectl", {"command": line}, thread_id="t", step_id="s1")
    except CommandRefused:
        reject()  # hypothesis fails the test if it finds too few commands Binks accepts
    result = await toolbox.execute(change)
    assert ENV_CANARY not in result.output + (result.error or ""), (line, result)
    if result.ok:
        assert "ran" in result.output, "the person learns the change ran even when its output is withheld"


async def test_rollout_history_of_a_revision_shows_no_credential(
    toolbox: KubeToolbox, kube_api: KubeApi
) -> None:
    kube_api.apply(_web())
    for fmt in ("jsonpath={..env}", "go-template={{.spec}}", "custom-columns=V:..env"):
        line = f"rollout history deploy/web --revision=1 -o {shlex.quote(fmt)}"
        try:
            output = (await toolbox.read("run_kubectl", {"command": line})).output
        except CommandRefused:
            continue
        assert ENV_CANARY not in output, (line, output)
