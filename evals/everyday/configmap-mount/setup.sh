#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-greeter}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: greeter, namespace: eval-greeter, labels: {app: greeter}}
spec:
  replicas: 1
  selector: {matchLabels: {app: greeter}}
  template:
    metadata: {labels: {app: greeter}}
    spec:
      containers: [{name: greeter, image: "nginx:1.27"}]
YAML
kubectl rollout status deployment/greeter -n eval-greeter --timeout=120s
