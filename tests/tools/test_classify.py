"""The classifier: hand-written tricky cases, then generated ones (hypothesis)."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from binks.errors import CommandRefused
from binks.tools.argv import parse_argv
from binks.tools.classify import classify, classify_argv
from binks.tools.dryrun import with_flags
from tests.tools.kubectl_help import command_kubectl_sees

# (command, mutating, verb, namespace, risk)
CASES: list[tuple[str, bool, str, str | None, str]] = [
    # --raw requests go out as they are: kubectl ignores --dry-run for them
    ("delete --raw /api/v1/namespaces/kube-system --dry-run=server", True, "delete", None, "destructive"),
    ("delete --raw=/api/v1/nodes/n1 --dry-run=client", True, "delete", None, "destructive"),
    (
        "create --raw /api/v1/namespaces/default/configmaps -f cm.json --dry-run=server",
        True,
        "create",
        None,
        "change",
    ),
    (
        "replace --raw /api/v1/namespaces/default/configmaps/x -f cm.json --dry-run=server",
        True,
        "replace",
        None,
        "change",
    ),
    ("get pods -n shop", False, "get", "shop", "read"),
    ("kubectl get pods -nshop -o wide", False, "get", "shop", "read"),
    ("get pods --namespace=shop", False, "get", "shop", "read"),
    ("get pods -A", False, "get", "*", "read"),
    ("-n shop get deploy web -o yaml", False, "get", "shop", "read"),
    ("-o yaml get pods", False, "get", None, "read"),
    ("describe pod web-1 -n shop", False, "describe", "shop", "read"),
    ("logs deploy/web --tail=50 -n shop", False, "logs", "shop", "read"),
    ("logs web -p", False, "logs", None, "read"),
    ("top pods -n shop", False, "top", "shop", "read"),
    ("top nodes", False, "top", None, "read"),
    ("explain deployment.spec", False, "explain", None, "read"),
    ("api-resources", False, "api-resources", None, "read"),
    ("version", False, "version", None, "read"),
    ("cluster-info", False, "cluster-info", None, "read"),
    ("events -n shop", False, "events", "shop", "read"),
    ("auth can-i delete pods -n shop", False, "auth can-i", "shop", "read"),
    ("auth whoami", False, "auth whoami", None, "read"),
    ("rollout status deploy/web -n shop", False, "rollout status", "shop", "read"),
    ("rollout history deploy/web", False, "rollout history", None, "read"),
    ("rollout -n shop status deploy/web", False, "rollout status", "shop", "read"),
    ("config view", False, "config view", None, "read"),
    ("config current-context", False, "config current-context", None, "read"),
    ("diff -f app.yaml", False, "diff", None, "read"),
    ("wait --for=condition=Available deploy/web", False, "wait", None, "read"),
    ("apply -f app.yaml --dry-run=server", False, "apply", None, "read"),
    ("apply -f app.yaml --dry-run=client -o yaml", False, "apply", None, "read"),
    ("create deployment web --image=nginx --dry-run=client -o yaml", False, "create", None, "read"),
    ("delete deploy web --dry-run=server", False, "delete", None, "read"),
    ("delete --help", False, "delete", None, "read"),
    ("help delete", False, "help", None, "read"),
    ("get --raw /api/v1/nodes", False, "get", None, "read"),
    ("--help", False, "", None, "read"),
    # changes
    ("-n shop delete deploy web", True, "delete", "shop", "change"),
    ("delete deploy/web -n shop", True, "delete", "shop", "change"),
    ("scale deploy web --replicas=3 -n shop", True, "scale", "shop", "change"),
    ("scale deploy web --replicas=0", True, "scale", None, "destructive"),
    ("apply -f app.yaml", True, "apply", None, "change"),
    ("apply -f app.yaml --prune -l app=web", True, "apply", None, "destructive"),
    ("apply -f app.yaml --dry-run", True, "apply", None, "change"),
    ("apply -f app.yaml --dry-run=none", True, "apply", None, "change"),
    ("apply -f app.yaml --dry-run=false", True, "apply", None, "change"),
    ("apply -f app.yaml --dry-run server", True, "apply", None, "change"),
    ("apply -f app.yaml --dry-run=server --dry-run=none", True, "apply", None, "change"),
    ("apply -l --dry-run=server -f app.yaml", True, "apply", None, "change"),
    ("-l --dry-run=server apply -f app.yaml", True, "apply", None, "change"),
    ("apply --field-manager --dry-run=server -f app.yaml", True, "apply", None, "change"),
    ("create -f app.yaml", True, "create", None, "change"),
    ("create ns shop", True, "create", "shop", "change"),
    ("replace --force -f app.yaml", True, "replace", None, "destructive"),
    ("patch deploy web -p {} -n shop", True, "patch", "shop", "change"),
    ("label pods web app=x", True, "label", None, "change"),
    ("annotate deploy web a=b", True, "annotate", None, "change"),
    ("set image deploy/web web=nginx:1.27 -n shop", True, "set image", "shop", "change"),
    ("rollout restart deploy/web -n shop", True, "rollout restart", "shop", "change"),
    ("rollout undo deploy/web", True, "rollout undo", None, "change"),
    ("rollout pause deploy/web", True, "rollout pause", None, "change"),
    ("rollout resume deploy/web", True, "rollout resume", None, "change"),
    ("rollout --foo status restart deploy/web", True, "rollout restart", None, "change"),
    ("rollout bogus deploy/web", True, "rollout", None, "change"),
    ("delete ns shop", True, "delete", "shop", "destructive"),
    ("delete namespace/shop", True, "delete", "shop", "destructive"),
    ("delete pvc data-0 -n shop", True, "delete", "shop", "destructive"),
    ("delete pv pv-1", True, "delete", None, "destructive"),
    ("delete crd widgets.example.com", True, "delete", None, "destructive"),
    ("delete node pi-2", True, "delete", None, "destructive"),
    ("delete secret db -n shop", True, "delete", "shop", "destructive"),
    ("delete pods --all -n shop", True, "delete", "shop", "destructive"),
    ("delete pods -l app=web", True, "delete", None, "destructive"),
    ("delete pods -A -l app=web", True, "delete", "*", "destructive"),
    ("delete -f app.yaml", True, "delete", None, "destructive"),
    ("delete deploy,ns web", True, "delete", None, "destructive"),
    ("delete pod web --grace-period=0 --force", True, "delete", None, "destructive"),
    ("drain pi-2 --ignore-daemonsets", True, "drain", None, "destructive"),
    ("taint nodes pi-2 gpu=true:NoSchedule", True, "taint", None, "destructive"),
    ("cordon pi-2", True, "cordon", None, "change"),
    ("uncordon pi-2", True, "uncordon", None, "change"),
    ("exec web -n shop -- ls /", True, "exec", "shop", "change"),
    ("run tmp --image=busybox --restart=Never -- echo hi", True, "run", None, "change"),
    ("expose deploy web --port=80", True, "expose", None, "change"),
    ("autoscale deploy web --max=3", True, "autoscale", None, "change"),
    ("certificate approve csr-1", True, "certificate approve", None, "change"),
    ("create token default", True, "create", None, "change"),
    ("auth reconcile -f rbac.yaml", True, "auth reconcile", None, "change"),
    ("krew install foo", True, "krew", None, "change"),
    ("neat get pods", True, "neat", None, "change"),
    ("-- delete deploy web", True, "", None, "change"),
    ("get --raw /api/v1/namespaces/shop/services/web:80/proxy/admin", True, "get", None, "change"),
    ("create rolebinding r --clusterrole=view --user=alice -n shop", True, "create", "shop", "change"),
]


@pytest.mark.parametrize(("command", "mutating", "verb", "namespace", "risk"), CASES)
def test_tricky_cases(command: str, mutating: bool, verb: str, namespace: str | None, risk: str) -> None:
    result = classify(command)
    assert (result.mutating, result.verb, result.namespace, result.risk) == (mutating, verb, namespace, risk)
    assert result.reason


REFUSED = [
    ("config view --flatten", "prints credentials"),
    ("get --raw /api/v1/watch/secrets?timeoutSeconds=1", "watch through --raw"),
    ("get --raw /api/v1/secrets?watch=1", "watch through --raw"),
    ("kustomize ./app --enable-helm", "run programs on the workstation"),
    ("apply -k ./app --helm-command=/tmp/evil", "run programs on the workstation"),
    ("kustomize ./app --enable-alpha-plugins --enable-exec", "run programs on the workstation"),
    ("get pods | grep web", "without a shell"),
    ("get pods; delete ns shop", "without a shell"),
    ("get pods && delete ns shop", "without a shell"),
    ("get pods || true", "without a shell"),
    ("get pods > out.txt", "without a shell"),
    ("apply -f - < app.yaml", "without a shell"),
    ("get pods -n $(whoami)", "without a shell"),
    ("get pods -n ${NS}", "without a shell"),
    ("get pods -n `whoami`", "without a shell"),
    ("get pods\ndelete ns shop", "without a shell"),
    ("get pods &", "without a shell"),
    ("get pods --kubeconfig=/tmp/other", "--kubeconfig"),
    ("get pods --kubeconfig /tmp/other", "--kubeconfig"),
    ("--context prod get pods", "--context"),
    ("get pods --cluster=prod", "--cluster"),
    ("get pods --server=https://10.0.0.1", "--server"),
    ("get pods -s https://10.0.0.1", "--server"),
    ("get pods -shttps://10.0.0.1", "--server"),
    ("get pods -As x", "--server"),
    ("get pods --token abc", "--token"),
    ("get pods --as=system:admin", "--as"),
    ("get pods --as system:admin", "--as"),
    ("get pods --as-group=system:masters", "--as-group"),
    ("get pods --as_group=system:masters", "--as-group"),
    ("get pods --AS=x", "--as"),
    ("get pods --as-uid=1", "--as-uid"),
    ("get pods --user=admin", "--user"),
    ("get pods --username=admin --password=x", "--username"),
    ("get pods --certificate-authority=/x", "--certificate-authority"),
    ("get pods --client-key=/x", "--client-key"),
    ("get pods --insecure-skip-tls-verify", "--insecure-skip-tls-verify"),
    ("get pods --cache-dir=/tmp/x", "files on the workstation"),
    ("cluster-info dump --output-directory=/tmp/x", "files on the workstation"),
    ("neat --token=abc", "--token"),
    ("edit deploy web", "editor"),
    ("create -f app.yaml --edit", "editor"),
    ("apply edit-last-applied deploy/web", "editor"),
    ("attach web", "terminal"),
    ("port-forward svc/web 8080:80", "never ends"),
    ("proxy", "never ends"),
    ("debug web -it --image=busybox", "interactive"),
    ("cp web:/etc/passwd ./passwd", "files"),
    ("cp ./x web:/tmp/x", "files"),
    ("exec -it web -- sh", "interactive"),
    ("exec -i web -- sh", "interactive"),
    ("exec web --stdin -- sh", "interactive"),
    ("run tmp -it --image=busybox -- sh", "interactive"),
    ("config use-context prod", "kubeconfig"),
    ("config set-context --current --namespace=shop", "kubeconfig"),
    ("config view --raw", "credentials"),
    ("logs -f web", "streams"),
    ("get pods -w", "streams"),
    ("get pods --watch", "streams"),
    ("", "empty"),
    ("kubectl", "empty"),
    ("get pods -l 'app=web", "quotes"),
]


@pytest.mark.parametrize(("command", "message"), REFUSED)
def test_refused(command: str, message: str) -> None:
    with pytest.raises(CommandRefused, match=message):
        classify(command)


def test_resource_and_name_are_normalised() -> None:
    result = classify("rollout restart deployments.apps/web -n shop")
    assert (result.resource, result.name) == ("deployment", "web")
    assert classify("logs web-1").resource == "pod"
    assert classify("cordon pi-2").name == "pi-2"
    assert classify("auth can-i list secrets").resource == "secret"


# ---------------------------------------------------------------------------------------
# Generated commands
# ---------------------------------------------------------------------------------------

MUTATING_PATHS = [
    ["delete"],
    ["apply"],
    ["create"],
    ["create", "deployment"],
    ["create", "deploy"],
    ["create", "secret", "generic"],
    ["create", "token"],
    ["replace"],
    ["patch"],
    ["scale"],
    ["label"],
    ["annotate"],
    ["set", "image"],
    ["set", "env"],
    ["rollout", "restart"],
    ["rollout", "undo"],
    ["rollout", "pause"],
    ["rollout", "resume"],
    ["drain"],
    ["cordon"],
    ["uncordon"],
    ["taint"],
    ["expose"],
    ["autoscale"],
    ["run"],
    ["exec"],
    ["certificate", "approve"],
    ["auth", "reconcile"],
    ["krew"],
    ["foo-plugin"],
    ["alpha"],
]
RESOURCES = ["pods", "deploy", "deployment.apps", "ns", "svc", "node", "pvc", "cm", "secret", "job", "all"]
NAMES = ["web", "shop", "pi-2", "x", "get", "status", "describe", "-", "a=b", "deploy/web"]
VALUE_FLAGS = ["-n", "-l", "-o", "-f", "-c", "--namespace", "--selector", "--field-manager", "--output", "-p"]
BOOL_FLAGS = ["--all", "-A", "--overwrite", "--force", "-R", "--local", "--wait", "-q", "--server-side"]
SWALLOWED_DRY_RUNS = ["--dry-run=server", "--dry-run=client"]  # only ever right after a value flag
NOT_A_DRY_RUN = ["--dry-run", "--dry-run=none", "--dry-run=false", "--dry-run=unchanged", "--dry_run=none"]

# Every word (or flag-and-value pair) a generated command can contain; sampling from one flat
# list keeps generation cheap enough for thousands of examples.
WORDS: list[tuple[str, ...]] = [
    *((word,) for word in [*RESOURCES, *NAMES, *BOOL_FLAGS, *NOT_A_DRY_RUN]),
    *((flag, value) for flag in VALUE_FLAGS for value in [*NAMES, *SWALLOWED_DRY_RUNS]),
    *((f"{flag}={value}",) for flag in VALUE_FLAGS for value in NAMES),
]
words = st.sampled_from(WORDS)


def _flatten(items: list[tuple[str, ...]]) -> list[str]:
    return [word for item in items for word in item]


@settings(max_examples=2000, deadline=None)
@given(
    path=st.sampled_from(MUTATING_PATHS),
    before=st.lists(words, max_size=3),
    after=st.lists(words, max_size=6),
    split=st.integers(min_value=0, max_value=3),
)
@pytest.mark.slow
def test_mutating_commands_are_never_read_only(
    path: list[str], before: list[tuple[str, ...]], after: list[tuple[str, ...]], split: int
) -> None:
    """No real dry-run is in these argvs (only swallowed or invalid ones): never read-only."""
    head = path[:split]
    argv = [*head, *_flatten(before), *path[split:], *_flatten(after)]
    try:
        result = classify_argv(argv)
    except CommandRefused:
        return
    if not result.mutating:
        # Only right when flags around the verb make kubectl itself see another, read-only,
        # command (the words `rollout status restart`, `-n delete get pods`) or none at all.
        # kubectl is asked which command it sees: a misparse that picks a later read word
        # must not pass.
        seen = command_kubectl_sees(argv)
        if seen is not None:  # None: kubectl finds no command at all, and runs nothing
            assert seen in KUBECTL_READS and result.verb == " ".join(seen), (argv, seen, result)


@pytest.mark.parametrize(
    "argv",
    [
        ["-n", "delete", "get", "pods"],  # -n takes `delete` as its value
        ["rollout", "status", "restart"],  # `restart` is the resource argument of status
        ["--selector", "--dry-run=server", "describe", "--namespace=get", "replace"],
        ["-f", "x", "get", "--field-manager=describe", "label"],
    ],
)
def test_swallowed_verbs_are_read_as_kubectl_reads_them(argv: list[str]) -> None:
    """The property's read-only branch, run on known cases so it cannot go unexercised."""
    result = classify_argv(argv)
    seen = command_kubectl_sees(argv)
    assert not result.mutating
    assert seen in KUBECTL_READS and result.verb == " ".join(seen or ()), (seen, result)


# Commands that read and never change anything, as kubectl names them: written out here
# rather than taken from the classifier, so a wrong entry there cannot vouch for itself.
KUBECTL_READS = {
    tuple(command.split())
    for command in (
        "get",
        "describe",
        "logs",
        "explain",
        "events",
        "api-resources",
        "api-versions",
        "version",
        "rollout status",
        "rollout history",
        "auth can-i",
        "auth whoami",
        "config view",
        "diff",
        "wait",
    )
}


ANY_PATH = [*MUTATING_PATHS, ["get"], ["describe"], ["logs"], ["rollout", "status"], ["auth", "can-i"], []]
REFUSED_SPELLINGS = st.one_of(
    st.sampled_from(
        (
            "kubeconfig context cluster server token as as-group as-uid user username password "
            "certificate-authority client-key client-certificate as_group as_uid"
        ).split()
    ).flatmap(lambda name: st.sampled_from([[f"--{name}=x"], [f"--{name}", "x"], [f"--{name.upper()}=x"]])),
    st.sampled_from([["-s", "https://x"], ["-shttps://x"], ["-s=https://x"], ["-As", "x"]]),
)


@settings(max_examples=1200, deadline=None)
@given(
    path=st.sampled_from(ANY_PATH),
    rest=st.lists(words, max_size=6),
    refused=REFUSED_SPELLINGS,
    position=st.integers(min_value=0, max_value=20),
)
def test_identity_flags_are_always_refused(
    path: list[str], rest: list[tuple[str, ...]], refused: list[str], position: int
) -> None:
    argv = [*path, *_flatten(rest)]
    position = min(position, len(argv))
    argv[position:position] = refused
    with pytest.raises(CommandRefused):
        classify_argv(argv)


@settings(max_examples=500, deadline=None)
@given(
    path=st.sampled_from(ANY_PATH),
    rest=st.lists(st.sampled_from([*RESOURCES, *NAMES]), max_size=4),
    meta=st.sampled_from(["|", ";", "&&", "||", "$(id)", "`id`", ">", "<", "\n", "&", "${X}", "2>&1"]),
    position=st.integers(min_value=0, max_value=8),
)
def test_shell_syntax_is_always_refused(path: list[str], rest: list[str], meta: str, position: int) -> None:
    words_ = [*path, *rest]
    position = min(position, len(words_))
    words_[position:position] = [meta]
    with pytest.raises(CommandRefused, match="without a shell"):
        classify(" ".join(shlex.quote(w) if w not in (meta,) else w for w in words_))


def test_dry_run_flags_go_before_the_container_command() -> None:
    parsed = parse_argv(["run", "tmp", "--image=busybox", "--", "echo", "--dry-run=none"])
    assert with_flags(parsed, ["--dry-run=server"]) == [
        "run",
        "tmp",
        "--image=busybox",
        "--dry-run=server",
        "--",
        "echo",
        "--dry-run=none",
    ]
    plain = parse_argv(["scale", "deploy", "web", "--replicas=2"])
    assert with_flags(plain, ["-o", "json"])[-2:] == ["-o", "json"]
