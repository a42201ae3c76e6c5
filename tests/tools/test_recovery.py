"""The next step after a failed call is read from the error: dropped fields, jsonpath, files."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from binks.tools.argv import parse_argv
from binks.tools.recovery import advice

INVALID_PATCH = 'The Deployment "web" is invalid: spec.template.spec.containers[0].image: Required value'
BAD_JSONPATH = (
    "error: error parsing jsonpath {.items[*].metadata.name,.spec.replicas}, unrecognized character"
)


def test_a_patch_that_lost_the_image_names_it_and_the_safe_commands() -> None:
    argv = ["patch", "deployment/web", "-n", "shop", "--type=json", "-p", '[{"op":"replace"}]']
    tip = advice(parse_argv(argv), INVALID_PATCH)
    assert tip is not None
    assert "the container lost: image" in tip
    assert "set_image {name, image}" in tip and "set_resources" in tip
    assert "patch deployment/web -p" in tip, "the strategic merge patch names the object"


def test_a_jsonpath_union_becomes_custom_columns() -> None:
    argv = ["get", "deployments", "-A", "-o", "jsonpath={.items[*].metadata.name,.spec.replicas}"]
    tip = advice(parse_argv(argv), BAD_JSONPATH)
    assert tip is not None
    assert "get deployments -o custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas" in tip


def test_a_missing_file_points_at_the_typed_tools() -> None:
    tip = advice(parse_argv(["apply", "-f", "web.yaml"]), 'error: the path "web.yaml" does not exist')
    assert tip is not None and "create_configmap" in tip


def test_other_errors_get_no_made_up_advice() -> None:
    assert advice(parse_argv(["get", "pods"]), "error: You must be logged in to the server") is None
    assert advice(parse_argv(["get", "pods", "-o", "wide"]), BAD_JSONPATH) is None, "no jsonpath was asked"


FIELDS = st.lists(
    st.from_regex(r"[a-z][a-zA-Z]{0,8}(\.[a-z][a-zA-Z]{0,8}){0,3}", fullmatch=True), min_size=1, max_size=4
)


@given(fields=FIELDS, resource=st.sampled_from(["pods", "deployments", "services", "nodes"]))
def test_every_field_of_a_broken_jsonpath_becomes_a_column(fields: list[str], resource: str) -> None:
    template = "{" + ",".join(f".items[*].{field}" for field in fields) + "}"
    tip = advice(
        parse_argv(["get", resource, "-o", f"jsonpath={template}"]), f"error parsing jsonpath {template}"
    )
    assert tip is not None
    columns = re.search(r"custom-columns=(\S+)`", tip)
    assert columns is not None
    paths = [column.split(":", 1)[1] for column in columns.group(1).split(",")]
    expected = list(dict.fromkeys(f".{field}" for field in fields))  # each field once, in order
    if ".metadata.name" not in expected:
        expected.insert(0, ".metadata.name")  # a row says which object it is
    assert paths == expected
