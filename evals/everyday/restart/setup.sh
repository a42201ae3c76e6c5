#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-session}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: session-cache, namespace: eval-session, labels: {app: session-cache}}
spec:
  replicas: 1
  selector: {matchLabels: {app: session-cache}}
  template:
    metadata: {labels: {app: session-cache}}
    spec:
      containers: [{name: session-cache, image: "redis:7.2.4"}]
YAML
kubectl rollout status deployment/session-cache -n eval-session --timeout=120s
