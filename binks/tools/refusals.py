"""What Binks refuses to run at all, whatever the approval: shell syntax, identity, interaction.

Binks runs exactly one kubectl process, without a shell, against the cluster and with the
identity in its settings, and waits for it to finish. Commands that need a shell, switch
cluster or user, write files on the workstation, open an editor or a terminal, or stream
forever cannot be run that way; they are refused with a message saying what to do instead.
"""

from __future__ import annotations

import re

from binks.errors import CommandRefused
from binks.tools import kubectl_flags as table
from binks.tools.argv import ParsedArgv, normalise
from binks.tools.shell_hints import shell_hints

_SHELL = re.compile(r"[|;&<>`\n\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\$\(|\$\{")

_TARGET = "Binks talks to the cluster in its settings (KUBECONFIG_PATH, BINKS_KUBE_CONTEXT) as that identity"
REFUSED_FLAGS: dict[str, str] = {
    **dict.fromkeys(
        (
            "kubeconfig context cluster server token as as-group as-uid as-user-extra user username "
            "password certificate-authority client-certificate client-key insecure-skip-tls-verify "
            "tls-server-name proxy-url"
        ).split(),
        f"changes which cluster or identity kubectl uses; {_TARGET}: drop the flag",
    ),
    **dict.fromkeys(
        ("cache-dir", "profile", "profile-output", "kuberc", "output-directory"),
        "writes or reads files on the workstation: drop the flag",
    ),
    "edit": "opens an editor, which Binks cannot drive: write the change as apply, patch or set",
    **dict.fromkeys(
        (
            "enable-helm",
            "helm-command",
            "helm-api-versions",
            "helm-kube-version",
            "enable-alpha-plugins",
            "enable-exec",
        ),
        "makes kustomize run programs on the workstation (helm, exec plugins): render the manifests "
        "elsewhere and apply the result",
    ),
}

#: Commands where ``--user`` names a binding's subject, not kubectl's identity.
_SUBJECT_USER = {("create", "rolebinding"), ("create", "clusterrolebinding"), ("set", "subject")}

_REFUSED_COMMANDS: dict[tuple[str, ...], str] = {
    ("edit",): "opens an editor, which Binks cannot drive: write the change as apply, patch or set",
    ("attach",): "attaches a terminal to a container: use logs to read its output",
    ("port-forward",): "opens a tunnel that never ends: Binks runs commands to completion",
    ("proxy",): "opens a proxy that never ends: Binks runs commands to completion",
    ("debug",): "starts an interactive debugging session: use describe, logs and events instead",
    ("cp",): "copies files between the workstation and a pod: Binks does not move files",
    ("apply", "edit-last-applied"): "opens an editor: use apply set-last-applied or patch",
}
_CONFIG_READS = frozenset({"view", "get-contexts", "current-context", "get-clusters", "get-users"})
_STREAMING: dict[tuple[str, ...], tuple[str, ...]] = {
    ("get",): ("watch", "watch-only", "-w"),
    ("events",): ("watch", "-w"),
    ("logs",): ("follow", "-f"),
}


def check_text(command: str) -> None:
    """Refuse shell syntax before splitting: Binks runs no shell, so it would not mean what it says.

    The message names the kubectl-native way for the construct found (see
    :mod:`binks.tools.shell_hints`), so a model can correct the call instead of retrying it.
    """
    match = _SHELL.search(command)
    if match:
        shown = repr(match.group(0))
        hints = shell_hints(command) or [
            "run one command at a time and use kubectl's own -o jsonpath=..., -l selectors or"
            " --field-selector to filter"
        ]
        raise CommandRefused(
            f"refused {shown}: Binks runs one kubectl command without a shell, so pipes, ';', '&&', "
            "redirects, '$(...)', variables and newlines do not work. Instead: " + "; ".join(hints) + "."
        )


def _refused_flag(word: str, path: tuple[str, ...]) -> str | None:
    """The refused flag a word sets (any spelling: --as=x, --as x, --as_group, -s), else None."""
    if word.startswith("--"):
        name = normalise(word[2:].partition("=")[0]).lower()
        if name == "user" and path in _SUBJECT_USER:
            return None
        return name if name in REFUSED_FLAGS else None
    if word.startswith("-") and len(word) > 1:
        for char in word[1:]:
            if char == "s":
                return "server"
            if char in table.GLOBAL_VALUE_SHORTS or char in table.VALUE_SHORTS or char == "=":
                return None  # the rest of the word is this flag's value
    return None


def check_argv(parsed: ParsedArgv) -> None:
    """Refuse flags and commands Binks never runs; the message says what to do instead."""
    for word in parsed.argv:
        if word == "--":
            break
        flag = _refused_flag(word, parsed.path)
        if flag is not None:
            shown = f"-s/--{flag}" if flag == "server" else f"--{flag}"
            raise CommandRefused(f"refused {shown}: it {REFUSED_FLAGS[flag]}.")
    path = parsed.path
    for prefix, why in _REFUSED_COMMANDS.items():
        if path[: len(prefix)] == prefix:
            raise CommandRefused(f"refused `kubectl {' '.join(prefix)}`: it {why}.")
    if path[:1] == ("config",) and (len(path) < 2 or path[1] not in _CONFIG_READS):
        raise CommandRefused(
            "refused: Binks does not change kubeconfig files (that would change which cluster or user "
            "it talks to). Edit the kubeconfig yourself; Binks can read it with `config view`."
        )
    if path == ("config", "view") and parsed.has("raw", "flatten"):
        raise CommandRefused("refused `config view --raw/--flatten`: it prints credentials. Drop the flag.")
    if any("watch" in (value or "").lower() for value in parsed.values("raw")):
        raise CommandRefused(
            "refused a watch through --raw: it streams and never ends. Read once with `get` instead."
        )
    if path[:1] in (("exec",), ("run",)) and parsed.has("stdin", "tty", "-i", "-t", "attach"):
        raise CommandRefused(
            f"refused `kubectl {path[0]}` with -i/-t/--attach: Binks cannot drive an interactive "
            "terminal. Run a non-interactive command (without -i and -t) instead."
        )
    streaming = _STREAMING.get(path)
    if streaming and parsed.has(*streaming):
        raise CommandRefused(
            f"refused `kubectl {path[0]}` with --{streaming[0]}/{streaming[-1]}: it streams "
            "until stopped, and Binks runs each command to completion. Drop the flag (use --tail "
            "or --since to limit logs)."
        )
