"""What Binks refuses to run at all, whatever the approval: shell syntax, identity, interaction.

Binks runs exactly one kubectl process, without a shell, against the cluster and with the
identity in its settings, and waits for it to finish. Commands that need a shell, switch
cluster or user, write files on the workstation, open an editor or a terminal, or stream
forever cannot be run that way; they are refused with a message saying what to do instead.
"""

from __future__ import annotations

import re
import unicodedata

from binks.errors import CommandRefused
from binks.tools import kubectl_flags as table
from binks.tools.argv import ParsedArgv, normalise
from binks.tools.gonum import parse_go_int
from binks.tools.rawpath import normalise_raw
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
        ("cache-dir", "profile", "profile-output", "kuberc", "output-directory", "load-restrictor", "mount"),
        "writes or reads files on the workstation: drop the flag",
    ),
    "vmodule": "sets per-file log levels, which can print request and response bodies: drop the flag",
    "show-secrets": "prints Secret values unmasked: drop the flag (Binks shows diffs with values hidden)",
    "resolve": "prints the values behind secretKeyRef and configMapKeyRef: drop the flag (--list alone "
    "shows where each value comes from)",
    "edit": "opens an editor, which Binks cannot drive: write the change as apply, patch or set",
    **dict.fromkeys(
        (
            "enable-helm",
            "helm-command",
            "helm-api-versions",
            "helm-kube-version",
            "enable-alpha-plugins",
            "enable-exec",
            "network",
            "network-name",
            "as-current-user",
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
    _check_characters(command)
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
            per_command = table.PER_COMMAND_ARITY.get(f"-{char}", {}).get(" ".join(path))
            if char in table.GLOBAL_VALUE_SHORTS or char in table.VALUE_SHORTS or char == "=":
                return None  # the rest of the word is this flag's value
            if per_command == "value":
                return None  # `patch -pspec: ...`: here -p takes the rest of the word
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
    _check_verbosity(parsed)
    _check_outputs(parsed)
    for value in parsed.values("raw"):
        if value is not None and parsed.path != ("config", "view"):
            raw = normalise_raw(value)
            if raw.watches:
                raise CommandRefused(
                    "refused a watch through --raw: it streams and never ends. Read once with `get` instead."
                )
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


#: Highest ``-v`` level that prints no request or response bodies or headers.
MAX_VERBOSITY = 5


def _check_verbosity(parsed: ParsedArgv) -> None:
    """Refuse log levels that print request and response bodies (and headers) on stderr.

    klog reads ``-v`` as a base-10 integer; anything it would read as above
    :data:`MAX_VERBOSITY`, or that Binks cannot read the same way, is refused.
    """
    for value in parsed.values("v", "-v"):
        level = parse_go_int(value, 10) if value is not None else None
        if level is None or level > MAX_VERBOSITY:
            raise CommandRefused(
                f"refused -v={value}: log levels above {MAX_VERBOSITY} print whole API requests and "
                "responses, Secret values included. Drop -v (or use -v=4 or lower)."
            )


_TEMPLATE_FILES = ("go-template-file", "jsonpath-file", "custom-columns-file", "templatefile")


def _check_outputs(parsed: ParsedArgv) -> None:
    """Refuse output options that read or write workstation files."""
    formats = [(value or "").split("=", 1)[0] for value in parsed.values("output", "-o")]
    if any(name in _TEMPLATE_FILES for name in formats):
        raise CommandRefused(
            "refused a template file: Binks does not let kubectl read workstation files for output. "
            "Write the template inline: -o jsonpath=... or -o go-template=..."
        )
    if parsed.path == ("kustomize",) and parsed.values("output", "-o"):
        raise CommandRefused("refused `kustomize -o`: it writes files on the workstation. Drop -o.")
    if parsed.path == ("kustomize",) and parsed.values("env", "-e"):
        raise CommandRefused("refused `kustomize --env`: it configures plugins Binks does not run.")


#: Deeper nesting than any patch a person writes; parsers would recurse past their limit.
MAX_NESTING = 64


def _check_characters(command: str) -> None:
    """Refuse invisible and direction-changing characters, and absurd nesting.

    A bidirectional override or a zero-width character makes a command read differently
    from what runs; deeply nested brackets only serve to break the parsers that judge it.
    """
    for char in command:
        category = unicodedata.category(char)
        if category in ("Cf", "Co", "Cs", "Cn") or 0x80 <= ord(char) <= 0x9F:
            raise CommandRefused(
                f"refused the invisible or direction-changing character U+{ord(char):04X}: write the command"
                " in plain characters"
            )
    depth = deepest = 0
    for char in command:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(depth - 1, 0)
    if deepest > MAX_NESTING:
        raise CommandRefused(f"refused: brackets nested {deepest} deep (at most {MAX_NESTING})")
