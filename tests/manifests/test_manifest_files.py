"""Every shipped manifest parses, builds with kustomize, and holds what a Pi cluster needs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.manifests.docs import kustomize, load, objects, pod_specs, yaml_files
from tests.manifests.workers import AGENTS, MANIFESTS

KUSTOMIZATIONS = sorted(path.parent for path in MANIFESTS.rglob("kustomization.yaml"))
# Files that are deliberately applied on their own, not through a kustomization.
NOT_IN_KUSTOMIZATIONS = {
    "agents/code-reviewer-job.yaml",
    "agents/deployment-verifier-job.yaml",
    "rbac/orchestrator-token.yaml",
}
TEMPLATES = sorted(AGENTS.glob("*-job.yaml"))


@pytest.mark.parametrize("path", yaml_files(), ids=lambda path: str(path.relative_to(MANIFESTS)))
def test_every_manifest_parses_into_named_objects(path: Path) -> None:
    docs = load(path)
    assert docs, f"{path} is empty"
    for doc in docs:
        assert isinstance(doc, dict)
        assert doc.get("apiVersion") and doc.get("kind"), doc
        if doc["kind"] != "Kustomization":
            assert doc["metadata"]["name"], doc


def test_the_expected_folders_and_templates_exist() -> None:
    assert [path.relative_to(MANIFESTS).as_posix() for path in KUSTOMIZATIONS] == [
        "agents",
        "apps/example",
        "core",
        "rbac",
    ]
    assert [path.name for path in TEMPLATES] == ["code-reviewer-job.yaml", "deployment-verifier-job.yaml"]


@pytest.mark.parametrize("folder", KUSTOMIZATIONS, ids=lambda path: path.relative_to(MANIFESTS).as_posix())
def test_kustomizations_build_and_cover_every_file(folder: Path) -> None:
    built = kustomize(folder)
    assert built
    listed = set(load(folder / "kustomization.yaml")[0].get("resources") or [])
    for path in folder.glob("*.yaml"):
        relative = path.relative_to(MANIFESTS).as_posix()
        if path.name != "kustomization.yaml" and relative not in NOT_IN_KUSTOMIZATIONS:
            assert path.name in listed, f"{relative} is in no kustomization"


def test_worker_scripts_ship_in_the_configmap_with_everything_they_import() -> None:
    (configmap,) = [doc for doc in kustomize(AGENTS) if doc["kind"] == "ConfigMap"]
    assert configmap["metadata"] == {
        "name": "binks-worker-scripts",
        "namespace": "ai-agents",
        "labels": configmap["metadata"]["labels"],
    }
    shipped = set(configmap["data"])
    local_modules = {path.stem for path in AGENTS.glob("*.py")}
    for template in TEMPLATES:
        (job,) = load(template)
        command = job["spec"]["template"]["spec"]["containers"][0]["command"]
        script = Path(command[-1])
        assert script.parent == Path("/opt/binks")
        assert script.name in shipped
        assert configmap["data"][script.name] == (AGENTS / script.name).read_text()
    for name in shipped:
        tree = ast.parse(configmap["data"][name])
        imported = {
            node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
        }
        imported |= {
            alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
        }
        for module in imported & local_modules:
            assert f"{module}.py" in shipped, f"{name} imports {module}, which the ConfigMap lacks"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_worker_templates_are_single_bounded_jobs(template: Path) -> None:
    (job,) = load(template)
    assert job["kind"] == "Job"
    assert job["metadata"]["namespace"] == "ai-agents"
    spec = job["spec"]
    assert spec["ttlSecondsAfterFinished"] >= 3600, (
        "check_agent_status must still find the result hours later"
    )
    assert 0 < spec["activeDeadlineSeconds"] <= 3600
    assert spec["backoffLimit"] == 0
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    first = pod["containers"][0]
    env = {item["name"]: item for item in first["env"]}
    budget = int(env["BINKS_TIME_BUDGET_SECONDS"]["value"])
    assert 0 < budget < spec["activeDeadlineSeconds"], "the worker must report before the Job is killed"
    assert not {"BINKS_TASK", "BINKS_THREAD_ID", "BINKS_STEP_ID", "BINKS_AGENT_TYPE"} & set(env)
    assert first["image"].startswith("python:3.12")
    service_accounts = {
        (doc["metadata"]["namespace"], doc["metadata"]["name"])
        for doc in objects("rbac")
        if doc["kind"] == "ServiceAccount"
    }
    assert ("ai-agents", pod["serviceAccountName"]) in service_accounts


def test_every_pod_is_non_root_read_only_bounded_and_pinned() -> None:
    specs = list(pod_specs(objects()))
    assert len(specs) >= 5
    for name, pod in specs:
        security = pod["securityContext"]
        assert security["runAsNonRoot"] is True, name
        assert security["seccompProfile"] == {"type": "RuntimeDefault"}, name
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["capabilities"] == {"drop": ["ALL"]}, name
            for bound in ("requests", "limits"):
                assert set(container["resources"][bound]) >= {"cpu", "memory"}, (name, bound)
            image, _, tag = container["image"].rpartition(":")
            assert image and tag not in ("", "latest") and any(ch.isdigit() for ch in tag), (
                name,
                container["image"],
            )


def test_every_job_cleans_up_after_itself() -> None:
    jobs = {doc["metadata"]["name"]: doc for doc in objects() if doc["kind"] == "Job"}
    # the model pull and every worker template
    assert {"ollama-pull-model", *(path.name.removesuffix("-job.yaml") for path in TEMPLATES)} <= set(jobs)
    for name, doc in jobs.items():
        assert doc["spec"]["ttlSecondsAfterFinished"] >= 3600, name
        assert doc["spec"]["activeDeadlineSeconds"] > 0, name
        assert "backoffLimit" in doc["spec"], name


def test_namespaces_carry_a_pod_security_level() -> None:
    namespaces = {
        doc["metadata"]["name"]: doc["metadata"]["labels"] for doc in objects() if doc["kind"] == "Namespace"
    }
    assert set(namespaces) == {"ai-agents", "ai-services", "binks", "demo"}
    assert namespaces["ai-agents"]["pod-security.kubernetes.io/enforce"] == "restricted"
    assert namespaces["ai-services"]["pod-security.kubernetes.io/enforce"] in ("baseline", "restricted")
    for labels in namespaces.values():
        assert labels["pod-security.kubernetes.io/enforce"] in ("baseline", "restricted")


def test_ollama_is_served_on_11434_with_probes_and_a_volume() -> None:
    core = {(doc["kind"], doc["metadata"]["name"]): doc for doc in objects("core")}
    deployment = core[("Deployment", "ollama")]
    assert deployment["metadata"]["namespace"] == "ai-services"
    assert deployment["spec"]["strategy"]["type"] == "Recreate"  # the PVC is ReadWriteOnce
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["image"].startswith("ollama/ollama:")
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert container[probe]["httpGet"]["path"] == "/api/version"
    claim = deployment["spec"]["template"]["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"]
    assert ("PersistentVolumeClaim", claim) in core
    service = core[("Service", "ollama")]
    assert service["spec"]["ports"][0]["port"] == 11434
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    pull = core[("Job", "ollama-pull-model")]
    env = {item["name"]: item for item in pull["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["OLLAMA_URL"]["value"] == "http://ollama.ai-services.svc:11434"


def _worker_default_model() -> str:
    """``DEFAULT_MODEL`` of the worker library (read from its source: workers run as scripts)."""
    tree = ast.parse((AGENTS / "binks_worker.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [ast.unparse(target) for target in node.targets] == [
            "DEFAULT_MODEL"
        ]:
            return str(ast.literal_eval(node.value))
    raise AssertionError("binks_worker.py defines no DEFAULT_MODEL")


def test_workers_and_the_pull_job_agree_on_the_default_model() -> None:
    (configmap,) = [doc for doc in kustomize(MANIFESTS / "core") if doc["kind"] == "ConfigMap"]
    pulled = {name.strip() for name in configmap["data"]["OLLAMA_PULL_MODEL"].split(",")}
    # every model a worker asks for without a task naming one: its Job's OLLAMA_MODEL, or
    # the workers' built-in default when the Job sets none
    asked: dict[str, str] = {}
    for template in TEMPLATES:
        (job,) = load(template)
        env = {
            item["name"]: item.get("value")
            for item in job["spec"]["template"]["spec"]["containers"][0]["env"]
        }
        asked[template.name] = env.get("OLLAMA_MODEL") or _worker_default_model()
    assert asked and "code-reviewer-job.yaml" in asked
    for file, model in asked.items():
        assert model in pulled, (file, model, pulled)


def test_the_example_app_serves_what_its_service_targets() -> None:
    example = {(doc["kind"], doc["metadata"]["name"]): doc for doc in objects("apps")}
    deployment, service = example[("Deployment", "hello")], example[("Service", "hello")]
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    ports = {port["name"] for port in deployment["spec"]["template"]["spec"]["containers"][0]["ports"]}
    assert service["spec"]["ports"][0]["targetPort"] in ports
    ingress = example[("Ingress", "hello")]
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == "hello"
