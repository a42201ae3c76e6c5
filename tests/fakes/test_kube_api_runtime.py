"""The pretend runtime: missing images, scripts that exit, pods that do not fit, all set up with kubectl."""

from __future__ import annotations

from tests.fakes.kube_api import KubeApi
from tests.fakes.kubectl import kubectl

SCENARIO = """
apiVersion: v1
kind: Namespace
metadata: {name: lab}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: typo, namespace: lab}
spec:
  replicas: 1
  selector: {matchLabels: {app: typo}}
  template:
    metadata: {labels: {app: typo}}
    spec:
      containers: [{name: typo, image: "nginx:1.27-does-not-exist"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: crasher, namespace: lab}
spec:
  replicas: 1
  selector: {matchLabels: {app: crasher}}
  template:
    metadata: {labels: {app: crasher}}
    spec:
      containers:
      - name: crasher
        image: busybox:1.36
        command: [sh, -c, 'echo "fatal: DATABASE_URL is not set"; exit 3']
---
apiVersion: v1
kind: Pod
metadata: {name: picky, namespace: lab}
spec:
  nodeSelector: {disktype: ssd}
  containers: [{name: picky, image: nginx:1.27}]
---
apiVersion: v1
kind: Pod
metadata: {name: hungry, namespace: lab}
spec:
  containers:
  - name: hungry
    image: nginx:1.27
    resources: {requests: {memory: 64Gi}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: nightly, namespace: lab}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - {name: nightly, image: busybox:1.36, command: [sh, -c, 'echo "backup failed: disk full"; exit 1']}
---
apiVersion: batch/v1
kind: Job
metadata: {name: hourly, namespace: lab}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: hourly, image: busybox:1.36, command: [sh, -c, 'echo done; exit 0']}]
"""


def test_scenarios_set_up_with_kubectl_break_like_a_real_cluster(kube_api: KubeApi) -> None:
    applied = kubectl(kube_api, "apply", "-f", "-", stdin=SCENARIO)
    assert applied.code == 0, applied.err
    pods = kubectl(kube_api, "get", "pods", "-n", "lab").out
    assert "ImagePullBackOff" in next(line for line in pods.splitlines() if line.startswith("typo-"))
    crash = next(line for line in pods.splitlines() if line.startswith("crasher-"))
    assert "CrashLoopBackOff" in crash and " 4 " in crash
    assert "fatal: DATABASE_URL is not set" in kubectl(kube_api, "logs", "deploy/crasher", "-n", "lab").out
    picky = kubectl(kube_api, "describe", "pod", "picky", "-n", "lab").out
    assert "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector." in picky
    hungry = kubectl(
        kube_api, "get", "events", "-n", "lab", "--field-selector", "involvedObject.name=hungry"
    ).out
    assert "0/2 nodes are available: 2 Insufficient memory." in hungry
    jobs = kubectl(kube_api, "get", "jobs", "-n", "lab").out
    assert "Failed" in next(line for line in jobs.splitlines() if line.startswith("nightly"))
    assert "Complete" in next(line for line in jobs.splitlines() if line.startswith("hourly"))
    assert "backup failed: disk full" in kubectl(kube_api, "logs", "job/nightly", "-n", "lab").out
