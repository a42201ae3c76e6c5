#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-reports}
---
apiVersion: v1
kind: Pod
metadata: {name: report-builder, namespace: eval-reports, labels: {app: report-builder}}
spec:
  nodeSelector: {disktype: ssd}
  containers: [{name: report-builder, image: "python:3.12-slim"}]
YAML
