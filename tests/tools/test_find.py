"""find matches states as well as names: asked *which jobs failed*, a small model searches "failed"."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from binks.tools.find import FindArgs, answer, parse_rows
from binks.tools.typed import TypedToolbox
from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import deployment

NAMES = st.from_regex(r"[a-z][a-z0-9]{2,8}(-[a-z0-9]{2,5})?", fullmatch=True)


def listing(rows: list[tuple[str, str, str, str, str]]) -> str:
    """Kubectl's custom-columns output for find's columns (empty cells are <none>)."""
    return "\n".join(
        f"{kind}   {namespace}   {name}   {phase or '<none>'}   {conditions or '<none>'}   <none>   <none>"
        f"   map[app:{name}]"
        for kind, namespace, name, phase, conditions in rows
    )


@given(st.lists(NAMES, min_size=1, max_size=4, unique=True), st.lists(NAMES, max_size=4, unique=True))
def test_failed_finds_the_jobs_that_failed_and_only_those(failed: list[str], done: list[str]) -> None:
    done = [name for name in done if name not in failed and "fail" not in name]
    rows = [("Job", "batch", name, "", "FailureTarget,Failed") for name in failed]
    rows += [("Job", "batch", name, "", "SuccessCriteriaMet,Complete") for name in done]
    rows += [("Deployment", "batch", "web", "", "Available,Progressing")]
    said = answer(FindArgs(text="failed", kind="job"), parse_rows(listing(rows)))
    assert said.startswith(f"Found {len(failed)} object(s) matching 'failed'")
    for name in failed:
        assert f"job {name} -n batch (app={name}) [Failed]" in said
    for name in done:
        assert name not in said.split("What exists")[0]


def test_pods_match_by_phase_and_other_objects_show_no_state() -> None:
    rows = parse_rows(
        listing(
            [
                ("Pod", "shop", "web-1", "Running", "Ready"),
                ("Pod", "shop", "analytics-0", "Pending", "PodScheduled"),
                ("Deployment", "shop", "web", "", "Available"),
            ]
        )
    )
    said = answer(FindArgs(text="pending"), rows)
    assert "pod analytics-0 -n shop (app=analytics-0) [Pending]" in said and "web-1" not in said
    assert [row.state for row in rows] == ["Running", "Pending", ""]
    assert rows[2].labels == {"app": "web"}, "labels are still read after the new columns"


@given(NAMES, NAMES, NAMES)
def test_a_label_written_key_equals_value_finds_what_carries_it(key: str, value: str, name: str) -> None:
    """Seen: find "tier=frontend" answered "Nothing matches" while web-ui carried it."""
    output = listing(
        [("Deployment", "shop", name, "", "Available"), ("Deployment", "shop", "zz-other", "", "")]
    )
    output = output.replace(f"map[app:{name}]", f"map[{key}:{value}]")
    said = answer(FindArgs(text=f"{key}={value}", kind="deployment"), parse_rows(output))
    assert said.startswith("Found 1 object(s)") and f"deployment {name} -n shop ({key}={value})" in said


async def test_find_matches_an_image_and_shows_it(typed: TypedToolbox, kube_api: KubeApi) -> None:
    """Seen: find "redis" answered "Nothing matches" while the cache deployment ran redis:7.2.4."""
    kube_api.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "cache"}})
    kube_api.apply(deployment("cache", namespace="cache", image="redis:7.2.4"))
    said = await typed.read("find", {"text": "redis", "kind": "deployment"})
    assert said.ok and "deployment cache -n cache (app=cache) image redis:7.2.4" in said.output
    assert "web" not in said.output.split("Other kinds")[0]
