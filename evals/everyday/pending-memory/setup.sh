#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-analytics}
---
apiVersion: v1
kind: Pod
metadata: {name: analytics, namespace: eval-analytics, labels: {app: analytics}}
spec:
  containers:
  - name: analytics
    image: "python:3.12-slim"
    resources: {requests: {memory: 64Gi}}
YAML
