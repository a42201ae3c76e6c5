"""Risk comes from what kubectl will do, never from how the command happens to be spelled.

Generated commands: every spelling of zero kubectl reads as zero, every flag form (``--f=v``,
``--f v``, ``-fv``), namespaces before or after the verb, kind aliases, patches of every
type, encoded raw paths, dry-run values kubectl would not read as a dry run.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from binks.errors import CommandRefused
from binks.tools.classify import classify_argv

ZERO_DIGITS = st.integers(min_value=1, max_value=3).map(lambda n: "0" * n)


@st.composite
def zeros(draw: st.DrawFn) -> str:
    """A spelling of 0 that Go's strconv.ParseInt(s, 0, 64) reads as 0."""
    sign = draw(st.sampled_from(["", "+", "-"]))
    prefix = draw(st.sampled_from(["", "0x", "0X", "0o", "0O", "0b", "0B"]))
    digits = draw(ZERO_DIGITS)
    if prefix and draw(st.booleans()):
        digits = "_" + digits
    return f"{sign}{prefix}{digits}"


def flag(name: str, value: str, form: int) -> list[str]:
    """``--name=value``, ``--name value``, or the underscore spelling kubectl also accepts."""
    if form == 0:
        return [f"--{name}={value}"]
    if form == 1:
        return [f"--{name}", value]
    return [f"--{name.replace('-', '_')}={value}"]


namespaces = st.sampled_from(["shop", "default", "demo"])
forms = st.integers(min_value=0, max_value=2)


@st.composite
def placed(draw: st.DrawFn, words: list[str]) -> list[str]:
    """The command with ``-n NS`` put before the verb or at the end, maybe with harmless flags."""
    namespace = ["-n", draw(namespaces)] if draw(st.booleans()) else [f"--namespace={draw(namespaces)}"]
    extra = draw(st.sampled_from([[], ["--request-timeout=30s"], ["--field-manager=binks"]]))
    if draw(st.booleans()):
        return [*namespace, *words, *extra]
    return [*words, *extra, *namespace]


@st.composite
def scale_to_zero(draw: st.DrawFn) -> list[str]:
    target = draw(
        st.sampled_from([["deploy/web"], ["deployment", "web"], ["sts", "db"], ["statefulset.apps/db"]])
    )
    return draw(placed(["scale", *target, *flag("replicas", draw(zeros()), draw(forms))]))


@st.composite
def grace_zero(draw: st.DrawFn) -> list[str]:
    target = draw(st.sampled_from([["pod", "web-1"], ["po/web-1"], ["deploy", "web"]]))
    return draw(placed(["delete", *target, *flag("grace-period", draw(zeros()), draw(forms))]))


@st.composite
def patch_to_zero(draw: st.DrawFn) -> list[str]:
    value = draw(st.sampled_from([0, "0"]))
    kind, body = draw(
        st.sampled_from(
            [
                ("strategic", {"spec": {"replicas": value}}),
                ("merge", {"spec": {"replicas": value, "paused": False}}),
                ("json", [{"op": "replace", "path": "/spec/replicas", "value": value}]),
                ("json", [{"op": "add", "path": "/spec/replicas", "value": value}]),
            ]
        )
    )
    text = json.dumps(body) if draw(st.booleans()) or kind == "json" else f"spec:\n  replicas: {value}\n"
    spelled = draw(st.sampled_from([["-p", text], [f"-p{text}"], [f"--patch={text}"], ["--patch", text]]))
    return draw(placed(["patch", "deploy/web", f"--type={kind}", *spelled]))


@st.composite
def deletes_of_destructive_kinds(draw: st.DrawFn) -> list[str]:
    kind = draw(
        st.sampled_from(
            [
                "ns",
                "namespace",
                "Namespaces",
                "pvc",
                "persistentvolumeclaims",
                "secret",
                "Secrets.v1.",
                "pv",
                "node",
                "crd",
                "customresourcedefinitions.apiextensions.k8s.io",
            ]
        )
    )
    target = [f"{kind}/x"] if draw(st.booleans()) else [kind, "x"]
    return draw(placed(["delete", *target]))


@st.composite
def wide_deletes(draw: st.DrawFn) -> list[str]:
    how = draw(
        st.sampled_from(
            [
                ["-l", "app=web"],
                ["--selector=app=web"],
                ["--all"],
                ["-A", "--all"],
                ["--field-selector=a=b"],
                ["-f", "manifests/agents/code-reviewer-job.yaml"],
                ["-k", "manifests/core"],
                ["--force"],
            ]
        )
    )
    return draw(placed(["delete", "pods", *how]))


destructive_commands = st.one_of(
    scale_to_zero(),
    grace_zero(),
    patch_to_zero(),
    deletes_of_destructive_kinds(),
    wide_deletes(),
    st.sampled_from(
        [
            ["drain", "pi-2", "--ignore-daemonsets"],
            ["taint", "node", "pi-2", "key=value:NoSchedule"],
            ["replace", "--force", "-f", "manifests/core/namespaces.yaml"],
            ["replace", "--force", "--dry-run=server", "-f", "manifests/core/namespaces.yaml"],
            ["apply", "--prune", "-l", "app=web", "-f", "manifests/core/namespaces.yaml"],
        ]
    ),
)


@given(destructive_commands)
def test_no_destructive_spelling_is_a_mere_change(argv: list[str]) -> None:
    found = classify_argv(argv)
    assert found.mutating, argv
    assert found.risk == "destructive", (argv, found.reason)


@st.composite
def not_quite_dry(draw: st.DrawFn) -> list[str]:
    """A change whose --dry-run value kubectl would refuse today: never a read for Binks."""
    mode = draw(st.sampled_from(["server", "client"]))
    spelled = "".join(draw(st.sampled_from([char, char.upper()])) for char in mode)
    if spelled == mode:
        spelled = mode.capitalize()
    value = draw(st.sampled_from([spelled, f" {mode}", f"{mode} ", f"'{mode}'", "none", "true", "1", ""]))
    change = draw(
        st.sampled_from(
            [["scale", "deploy/web", "--replicas=2"], ["label", "pod", "x", "a=b"], ["delete", "pod", "x"]]
        )
    )
    return draw(placed([*change, f"--dry-run={value}"]))


@given(not_quite_dry())
def test_a_dry_run_kubectl_would_not_read_exactly_is_a_change(argv: list[str]) -> None:
    assert classify_argv(argv).mutating, argv


@pytest.mark.parametrize(
    "argv",
    [
        ["auth", "reconcile", "-f", "manifests/rbac/orchestrator.yaml", "--dry-run=server"],
        ["replace", "--force", "--dry-run=server", "-f", "manifests/core/namespaces.yaml"],
        [
            "replace",
            "--raw",
            "/api/v1/namespaces/x",
            "-f",
            "manifests/core/namespaces.yaml",
            "--dry-run=server",
        ],
    ],
)
def test_dry_runs_binks_cannot_trust_are_changes(argv: list[str]) -> None:
    assert classify_argv(argv).mutating


def _encode(text: str, draw: st.DrawFn) -> str:
    out = ""
    for char in text:
        choice = draw(st.integers(min_value=0, max_value=3))
        if choice == 0:
            out += quote(char, safe="") if not char.isalnum() else f"%{ord(char):02X}"
        elif choice == 1:
            out += f"%25{ord(char):02x}"  # encoded twice
        elif choice == 2:
            out += char.upper()
        else:
            out += char
    return out


@st.composite
def reaching_raw_paths(draw: st.DrawFn) -> str:
    sub = draw(st.sampled_from(["proxy", "exec", "attach", "portforward"]))
    spelled = _encode(sub, draw)
    base = draw(
        st.sampled_from(
            [
                "/api/v1/namespaces/x/services/web:80/{}/",
                "/api/v1/namespaces/x/services/https:web:443/{}/metrics",
                "/api/v1/nodes/pi-2/{}/logs/",
                "/api/v1/namespaces/x/pods/p/{}?command=ls",
                "/api/v1/namespaces/x/services/web/a/../{}/",
                "//api/v1/namespaces/x/pods/p/./{}",
                "/api/v1/namespaces/x/services/web/%2e%2e/web/{}",
            ]
        )
    )
    return base.format(spelled)


@given(reaching_raw_paths())
def test_raw_paths_into_workloads_are_changes_however_encoded(path: str) -> None:
    try:
        found = classify_argv(["get", "--raw", path])
    except CommandRefused:
        return  # refused outright (a path kubectl cannot send as written): also never a read
    assert found.mutating, path


@st.composite
def loud_verbosity(draw: st.DrawFn) -> list[str]:
    level = draw(st.integers(min_value=6, max_value=10))
    spelled = draw(st.sampled_from([str(level), f"0{level}", f"+{level}", f"00{level}"]))
    form = draw(
        st.sampled_from(
            [["-v", spelled], [f"-v={spelled}"], [f"-v{spelled}"], [f"--v={spelled}"], ["--v", spelled]]
        )
    )
    return draw(placed(["get", "secret", "db", "-o", "name", *form]))


@given(loud_verbosity())
def test_verbosity_that_prints_bodies_is_refused(argv: list[str]) -> None:
    with pytest.raises(CommandRefused, match="log levels"):
        classify_argv(argv)


@given(st.integers(min_value=0, max_value=5), st.sampled_from(["-v={}", "--v={}"]))
def test_quiet_verbosity_runs(level: int, form: str) -> None:
    assert not classify_argv(["get", "pods", form.format(level)]).mutating


@pytest.mark.parametrize("spelling", ["-v=0x9", "-v=9.0", "--v=nine", "-v=1_0"])
def test_verbosity_kubectl_cannot_read_is_refused_too(spelling: str) -> None:
    with pytest.raises(CommandRefused):
        classify_argv(["get", "pods", spelling])


@given(
    st.sampled_from(
        [
            ["set", "env", "deploy/web", "--list", "--resolve"],
            ["set", "env", "deploy/web", "--list", "--resolve=true"],
            ["set", "env", "deploy/web", "--list", "--resolve=1"],
            ["diff", "-f", "manifests/core/namespaces.yaml", "--show-secrets"],
            ["diff", "-f", "manifests/core/namespaces.yaml", "--show_secrets=true"],
            ["get", "pods", "--vmodule=round_trippers=9"],
            ["get", "pods", "--vmodule", "*=8"],
            ["kustomize", "manifests/core", "--load-restrictor=LoadRestrictionsNone"],
            ["kustomize", "manifests/core", "-o", "/tmp/out.yaml"],
            ["kustomize", "manifests/core", "--mount=type=bind,src=/,dst=/x"],
            ["get", "pods", "-o", "go-template-file=/etc/passwd"],
            ["get", "pods", "-o=jsonpath-file=/etc/shadow"],
        ]
    )
)
def test_flags_that_print_or_read_secrets_are_refused(argv: list[str]) -> None:
    with pytest.raises(CommandRefused):
        classify_argv(argv)
