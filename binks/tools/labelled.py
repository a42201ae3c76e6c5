"""A jsonpath over a list, read with each value next to the object it belongs to.

Asked *which deployment runs the most replicas*, the 1.5B model wrote
``get deployments -A -o jsonpath='{.items[*].spec.replicas}'`` and got ``1 2 5 3``: the
counts, with nothing to say whose they are. It then read them as a per-namespace list, or
fetched the names alone with a second jsonpath and could not pair the two. The data to
answer was never in front of it. A ``get`` whose jsonpath prints only fields of
``.items[*]`` is therefore read as ``custom-columns`` with the namespace and name first:
the same objects, the same fields, each value on its object's line. Nothing else about the
read changes (it goes through the same read path: classified, redacted, capped), and the
result says it was reshaped.
"""

from __future__ import annotations

import re
import shlex

from binks.errors import CommandRefused
from binks.tools.argv import parse_argv
from binks.tools.classify import split_command

ITEM_FIELD = re.compile(r"\{\s*\.items\[\*\]\.([A-Za-z_][\w.\-]*(?:\[[^\]{}]*\][\w.\-]*)*)\s*\}")
"""A jsonpath field of every item of a list, ``{.items[*].spec.replicas}``: the field is group 1."""
_SEPARATORS = re.compile(r"^(?:[\s,;:|/-]|\\[nt]|\{[^{}.]*\})*$")
"""What may stand between the fields: spaces, punctuation, ``{"\t"}`` and other literals."""
_OWN = {"metadata.name", "metadata.namespace"}
NOTE = "(read with each value next to its object's name: a jsonpath over a list prints values without them)"


def labelled_command(command: str) -> str | None:
    """The command as a labelled ``custom-columns`` read, or None when it needs no reshaping."""
    try:
        words = split_command(command)
        parsed = parse_argv(words)
    except (CommandRefused, ValueError):
        return None
    if parsed.path != ("get",):
        return None
    outputs = [flag for flag in parsed.flags if flag.name in ("-o", "output")]
    if len(outputs) != 1 or not (outputs[0].value or "").startswith("jsonpath="):
        return None
    (output,) = outputs
    template = (output.value or "").removeprefix("jsonpath=").strip("'\"")
    fields = ITEM_FIELD.findall(template)
    if not fields or not _SEPARATORS.match(ITEM_FIELD.sub("", template)):
        return None
    columns = ["NAMESPACE:.metadata.namespace", "NAME:.metadata.name"]
    columns += [f"{_header(field)}:.{field}" for field in dict.fromkeys(fields) if field not in _OWN]
    reshaped = [f"-o=custom-columns={','.join(columns)}"]
    drop = {output.word, output.value_word}
    kept = [word for index, word in enumerate(words) if index not in drop]
    return shlex.join([*kept, *reshaped])


def _header(field: str) -> str:
    last = re.sub(r"\[[^\]]*\]", "", field).rstrip(".").split(".")[-1] or "VALUE"
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", last).upper()
