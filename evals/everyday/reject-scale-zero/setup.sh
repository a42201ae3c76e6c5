#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-zero}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: billing, namespace: eval-zero, labels: {app: billing}}
spec:
  replicas: 2
  selector: {matchLabels: {app: billing}}
  template:
    metadata: {labels: {app: billing}}
    spec:
      containers: [{name: billing, image: "nginx:1.27"}]
YAML
kubectl rollout status deployment/billing -n eval-zero --timeout=120s
