"""kubectl reads no workstation file or URL outside the allow-list, and what it reads is captured once."""

from __future__ import annotations

import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binks.errors import CommandRefused
from binks.settings import Settings
from binks.tools.toolbox import KubeToolbox
from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import deployment
from tests.tools.conftest import tool_settings

PATH_FLAGS = [
    (["apply"], "-f {}"),
    (["apply"], "--filename={}"),
    (["get"], "-f {}"),
    (["diff"], "-f {}"),
    (["delete"], "--filename {}"),
    (["create", "configmap", "k"], "--from-file={}"),
    (["create", "configmap", "k"], "--from-file=key={}"),
    (["create", "configmap", "k"], "--from-env-file={}"),
    (["create", "secret", "generic", "k"], "--from-file={}"),
    (["create", "secret", "tls", "k", "--cert=manifests/agents/echo-job.yaml"], "--key={}"),
    (["patch", "deploy", "web"], "--patch-file={}"),
    (["apply"], "-k {}"),
]


def _argv(prefix: list[str], flag: str, path: str) -> str:
    return " ".join([*prefix, flag.format(path), "--dry-run=client", "-o", "json"])


def denied_paths(settings: Settings) -> list[str]:
    """Places kubectl must never read for Binks, however they are written."""
    home = Path.home()
    return [
        "/proc/self/environ",
        "/proc/1/environ",
        "/sys/kernel/notes",
        "/dev/zero",
        str(home / ".ssh" / "id_ed25519"),
        str(home / ".kube" / "config"),
        "~/.kube/config",
        str(settings.api_key_file),
        str(settings.state_dir / "binks.db"),
        str(settings.effective_kubeconfig()),
        "/etc/passwd",
        "manifests/../../../../../../etc/passwd",
        "manifests/agents/../../../../../../../proc/self/environ",
    ]


@pytest.fixture
def box(kube_api: KubeApi, manifests_dir: Path, tmp_path: Path) -> Iterator[KubeToolbox]:
    toolbox = KubeToolbox(tool_settings(kube_api.kubeconfig, manifests_dir, state_dir=tmp_path / "state"))
    yield toolbox
    toolbox.close()


def test_every_file_flag_refuses_every_denied_path(box: KubeToolbox) -> None:
    for prefix, flag in PATH_FLAGS:
        for path in denied_paths(box.settings):
            command = _argv(prefix, flag, path)
            with pytest.raises(CommandRefused, match="refused"):
                box.assess("run_kubectl", {"command": command})


def test_denied_places_stay_denied_when_everything_is_allowed(
    kube_api: KubeApi, manifests_dir: Path, tmp_path: Path
) -> None:
    wide = tool_settings(
        kube_api.kubeconfig,
        manifests_dir,
        state_dir=tmp_path / "state",
        allowed_sources=["/", str(Path.home())],
    )
    box = KubeToolbox(wide)
    try:
        for prefix, flag in PATH_FLAGS:
            for path in denied_paths(wide):
                if path.endswith("/etc/passwd"):
                    continue  # allowed by "/" here: not one of the places that are always denied
                with pytest.raises(CommandRefused, match="never lets kubectl read"):
                    box.assess("run_kubectl", {"command": _argv(prefix, flag, path)})
    finally:
        box.close()


def test_a_symlink_inside_an_allowed_folder_cannot_lead_outside(
    box: KubeToolbox, manifests_dir: Path
) -> None:
    link = manifests_dir / "agents" / "environ.yaml"
    link.symlink_to("/proc/self/environ")
    folder_link = manifests_dir / "home"
    folder_link.symlink_to(Path.home())
    for command in (
        "create configmap k --from-file=manifests/agents/environ.yaml --dry-run=client -o json",
        "apply -f manifests/home/.kube/config --dry-run=server",
        f"get -f {link}",
    ):
        with pytest.raises(CommandRefused):
            box.assess("run_kubectl", {"command": command})


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(
        [
            "http://169.254.169.254/latest/meta-data/",
            "https://example.com/app.yaml",
            "HTTP://example.com/app.yaml",
            "ftp://example.com/x",
            "file:///etc/passwd",
            "-",
        ]
    ),
    st.sampled_from(["get -f {}", "apply -f {}", "apply --filename={}", "create -f {} --dry-run=client"]),
)
def test_urls_and_stdin_are_refused_by_default(box: KubeToolbox, url: str, form: str) -> None:
    with pytest.raises(CommandRefused):
        box.assess("run_kubectl", {"command": form.format(url)})


def test_remote_and_helm_kustomizations_are_refused(box: KubeToolbox, manifests_dir: Path) -> None:
    cases = {
        "remote": {"resources": ["github.com/kubernetes-sigs/kustomize/examples/helloWorld?ref=v5.0.0"]},
        "url": {"resources": ["https://raw.example.com/app.yaml"]},
        "helm": {"helmCharts": [{"name": "x", "repo": "https://charts.example.com"}]},
        "outside": {"resources": ["../../../../../../etc"]},
        "missing": {"resources": ["not-there.yaml"]},
        "secret-file": {"secretGenerator": [{"name": "s", "files": ["key=/proc/self/environ"]}]},
    }
    for name, body in cases.items():
        folder = manifests_dir / "kust" / name
        folder.mkdir(parents=True)
        (folder / "kustomization.yaml").write_text(yaml.safe_dump(body))
        with pytest.raises(CommandRefused):
            box.assess("run_kubectl", {"command": f"apply -k manifests/kust/{name}"})


async def test_an_edit_after_the_dry_run_does_not_change_what_runs(
    box: KubeToolbox, kube_api: KubeApi, manifests_dir: Path
) -> None:
    manifest = manifests_dir / "web.yaml"
    manifest.write_text(yaml.safe_dump(deployment("web", replicas=2)))
    change = await box.propose(
        "run_kubectl", {"command": "apply -f manifests/web.yaml"}, thread_id="t", step_id="s1"
    )
    assert change.sources and change.sources[0].written == "manifests/web.yaml"
    assert "replicas: 2" in (change.dry_run.diff or "")
    manifest.write_text(
        yaml.safe_dump(deployment("web", replicas=9, image="evil:latest"))
    )  # edited meanwhile
    result = await box.execute(change)
    assert result.ok, result.error
    live = kube_api.get("deployments", "web", "default")
    assert live is not None and live["spec"]["replicas"] == 2
    assert live["spec"]["template"]["spec"]["containers"][0]["image"] != "evil:latest"
    assert (await box.verify(change, result)).ok


async def test_a_kustomization_is_rendered_once_and_applied_as_rendered(
    box: KubeToolbox, kube_api: KubeApi, manifests_dir: Path
) -> None:
    folder = manifests_dir / "app"
    folder.mkdir()
    (folder / "web.yaml").write_text(yaml.safe_dump(deployment("web", replicas=1)))
    (folder / "kustomization.yaml").write_text(
        yaml.safe_dump({"resources": ["web.yaml"], "namePrefix": "k-"})
    )
    change = await box.propose(
        "run_kubectl", {"command": "apply -k manifests/app"}, thread_id="t", step_id="s1"
    )
    assert change.dry_run.ok, change.dry_run.message
    assert [obj.name for obj in change.dry_run.objects] == ["k-web"]
    (folder / "kustomization.yaml").write_text(
        yaml.safe_dump({"resources": ["web.yaml"], "namePrefix": "x-"})
    )
    result = await box.execute(change)
    assert result.ok, result.error
    assert kube_api.get("deployments", "k-web", "default") is not None
    assert kube_api.get("deployments", "x-web", "default") is None


class _Body(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(type(self).body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def manifest_server() -> Iterator[tuple[str, type[_Body]]]:
    handler = type("Handler", (_Body,), {"body": b""})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", handler
    server.shutdown()


async def test_an_allowed_url_is_fetched_once_by_binks(
    kube_api: KubeApi, manifests_dir: Path, tmp_path: Path, manifest_server: tuple[str, type[_Body]]
) -> None:
    url, handler = manifest_server
    handler.body = yaml.safe_dump(deployment("web", replicas=2)).encode()
    box = KubeToolbox(tool_settings(kube_api.kubeconfig, manifests_dir, allowed_sources=[url]))
    try:
        with pytest.raises(CommandRefused):
            box.assess("run_kubectl", {"command": "apply -f http://127.0.0.1:1/other.yaml"})
        change = await box.propose(
            "run_kubectl", {"command": f"apply -f {url}app.yaml"}, thread_id="t", step_id="s1"
        )
        handler.body = yaml.safe_dump(
            deployment("web", replicas=7)
        ).encode()  # the URL answers differently now
        result = await box.execute(change)
        assert result.ok, result.error
        live = kube_api.get("deployments", "web", "default")
        assert live is not None and live["spec"]["replicas"] == 2
    finally:
        box.close()


async def test_a_captured_copy_that_was_altered_is_not_run(box: KubeToolbox, manifests_dir: Path) -> None:
    (manifests_dir / "web.yaml").write_text(yaml.safe_dump(deployment("web", replicas=2)))
    change = await box.propose(
        "run_kubectl", {"command": "apply -f manifests/web.yaml"}, thread_id="t", step_id="s1"
    )
    source = change.sources[0]
    forged = source.model_copy(
        update={"files": [source.files[0].model_copy(update={"content": "a2luZDogTmFtZXNwYWNl"})]}
    )
    with pytest.raises(CommandRefused, match=r"altered|hash"):
        await box.execute(change.model_copy(update={"sources": [forged]}))


def test_allowed_sources_setting(tmp_path: Path) -> None:
    from binks.errors import ConfigError
    from binks.settings import load_settings

    assert load_settings(
        env_file=None, allowed_sources="/srv/manifests,https://example.com/k8s/"
    ).allowed_sources == [
        "/srv/manifests",
        "https://example.com/k8s/",
    ]
    with pytest.raises(ConfigError, match="ALLOWED_SOURCES"):
        load_settings(env_file=None, allowed_sources="ftp://x/")
    assert os.environ.get("BINKS_ALLOWED_SOURCES") is None
