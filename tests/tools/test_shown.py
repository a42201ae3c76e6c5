"""What a person approves shows every word that runs; only secret values are hidden.

Generated commands put secret values where people put them (``--from-literal``, ``set env``
assignments, ``--docker-password``, a container's shell command, a patch of a Secret, a
bearer token) among words that must stay visible. The shown argv equals the real one except
at those values, and a value that cannot be cut out exactly is flagged.
"""

from __future__ import annotations

import json
import re
import shlex

from hypothesis import given
from hypothesis import strategies as st

from binks.tools.redact import MARK
from binks.tools.shown import describe_argv, redact_payload, show_argv

SECRETS = st.text(alphabet="abcdefghijkXYZ0123456789-_.", min_size=6, max_size=20).map(lambda s: f"S3cr{s}")
KEYS = st.sampled_from(
    ["DB_PASSWORD", "API_TOKEN", "aws_secret_access_key", "githubToken", "PRIVATE_KEY", "apikey"]
)
WORDS = st.sampled_from(
    ["rm", "-rf", "/data", "echo", "hello", "&&", "curl", "http://x", "exit", "1", ";", "ls"]
)


def same_except_values(real: list[str], shown: list[str]) -> bool:
    """``shown`` is ``real`` with some substrings replaced by the marker, nothing else changed."""
    if len(real) != len(shown):
        return False
    for word, seen in zip(real, shown, strict=True):
        pieces = seen.split(MARK)
        pattern = "(.+?)".join(re.escape(piece) for piece in pieces)
        if not re.fullmatch(pattern, word, flags=re.DOTALL):
            return False
    return True


@st.composite
def commands_with_secrets(draw: st.DrawFn) -> tuple[list[str], list[str], list[str]]:
    """(argv, secret values in it, words that must stay visible)."""
    secret = draw(SECRETS)
    key = draw(KEYS)
    words = draw(st.lists(WORDS, min_size=1, max_size=6))
    shape = draw(st.integers(min_value=0, max_value=6))
    if shape == 0:  # a container's shell command: the words around the value run
        script = " ".join([f"{key}={secret}", *words])
        argv = ["exec", "db-0", "-n", "shop", "--", "sh", "-c", script]
        return argv, [secret], words
    if shape == 1:
        script = " ".join([*words, f"{key}='{secret}'", *words])
        argv = ["exec", "db-0", "--", "bash", "-c", script]
        return argv, [secret], words
    if shape == 2:
        argv = ["create", "secret", "generic", "s", f"--from-literal=password={secret}", "-n", "shop"]
        return argv, [secret], ["create", "generic", "--from-literal=password="]
    if shape == 3:
        argv = ["set", "env", "deploy/web", f"{key}={secret}", "LOG_LEVEL=debug", "-n", "shop"]
        return argv, [secret], ["LOG_LEVEL=debug", f"{key}="]
    if shape == 4:
        patch = json.dumps({"data": {"password": secret}, "metadata": {"labels": {"a": "b"}}})
        argv = ["patch", "secret", "db", "-n", "shop", "-p", patch]
        return argv, [secret], ['"labels"', '"a"']
    if shape == 5:
        argv = ["exec", "web-0", "--", "curl", "-H", f"Authorization: Bearer {secret}", *words]
        return argv, [secret], [*words, "Authorization: Bearer"]
    argv = ["create", "secret", "docker-registry", "r", f"--docker-password={secret}", "--docker-username=me"]
    return argv, [secret], ["--docker-username=me"]


@given(commands_with_secrets())
def test_only_secret_values_are_hidden(case: tuple[list[str], list[str], list[str]]) -> None:
    argv, secrets, visible = case
    shown = show_argv(argv)
    joined = " ".join(shown.argv)
    for secret in secrets:
        assert secret not in joined, joined
    assert shown.exact, shown.hidden
    assert same_except_values(argv, shown.argv), (argv, shown.argv)
    for word in visible:
        assert word in joined, (word, joined)


def test_the_example_from_the_field() -> None:
    argv = ["exec", "db-0", "--", "sh", "-c", "API_TOKEN=1 rm -rf /data"]
    assert show_argv(argv).argv == ["exec", "db-0", "--", "sh", "-c", f"API_TOKEN={MARK} rm -rf /data"]


@given(SECRETS, st.sampled_from(["-p", "--patch"]))
def test_a_secret_patch_that_cannot_be_cut_exactly_is_flagged(secret: str, flag: str) -> None:
    patch = f"data: {{password: {secret}, other: [unclosed"  # YAML that does not parse
    shown = show_argv(["patch", "secret", "db", flag, patch])
    assert secret not in " ".join(shown.argv)
    assert not shown.exact and "Secret" in shown.hidden[0]
    assert "[hidden:" in describe_argv(["patch", "secret", "db", flag, patch])
    payload = redact_payload({"argv": ["patch", "secret", "db", flag, patch]})
    assert payload["hidden"] == shown.hidden


@given(commands_with_secrets())
def test_payload_commands_and_descriptions_hide_the_same_values(
    case: tuple[list[str], list[str], list[str]],
) -> None:
    argv, secrets, _ = case
    command = "kubectl " + shlex.join(argv)
    out = redact_payload(
        {"command": command, "description": command, "argv": argv, "args": {"command": command}}
    )
    for secret in secrets:
        assert secret not in json.dumps(out)


def test_captured_files_travel_without_their_bytes() -> None:
    source = {
        "flag": "filename",
        "written": "manifests/app.yaml",
        "kind": "file",
        "sha256": "ab" * 32,
        "files": [{"path": "app.yaml", "sha256": "cd" * 32, "content": "c2VjcmV0LWJ5dGVz"}],
    }
    out = redact_payload({"steps": [{"argv": ["apply", "-f", "manifests/app.yaml"], "sources": [source]}]})
    assert "c2VjcmV0LWJ5dGVz" not in json.dumps(out)
    assert out["steps"][0]["sources"][0]["files"] == [{"path": "app.yaml", "sha256": "cd" * 32}]


@given(
    field=st.sampled_from(["example.com/cache-key", "bypass", "db-password", "api_token", "x.signing"]),
    secret=st.sampled_from(["0", "1", "3", "web", "true", "s3cr3t"]),
    replicas=st.integers(0, 5),
    echo=st.booleans(),
)
def test_a_secret_value_hides_only_itself_in_a_patch(
    field: str, secret: str, replicas: int, echo: bool
) -> None:
    """The value of a credential-named field is cut out as a whole JSON string, nowhere else."""
    patch: dict[str, object] = {"metadata": {"annotations": {field: secret}}, "spec": {"replicas": replicas}}
    if echo:
        patch["metadata"]["labels"] = {"tier": secret}  # type: ignore[index]
    word = json.dumps(patch, separators=(",", ":"))
    shown = show_argv(["patch", "deploy", "web", "--type=merge", "-p", word])
    assert f'"{secret}"' not in " ".join(shown.argv), "the value is never shown"
    if echo:
        assert shown.hidden, "the card says that it hides more than a value"
        return
    (shown_word,) = (word for word in shown.argv if word.startswith("{"))
    assert not shown.hidden and shown_word.replace(MARK, secret) == word, "only the value is hidden"
