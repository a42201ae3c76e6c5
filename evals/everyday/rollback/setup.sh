#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-checkout}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: checkout, namespace: eval-checkout, labels: {app: checkout}}
spec:
  replicas: 1
  selector: {matchLabels: {app: checkout}}
  template:
    metadata: {labels: {app: checkout}}
    spec:
      containers: [{name: checkout, image: "nginx:1.25"}]
YAML
kubectl rollout status deployment/checkout -n eval-checkout --timeout=120s
kubectl set image deployment/checkout checkout=nginx:1.26-does-not-exist -n eval-checkout
