#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-notify}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: notifications, namespace: eval-notify, labels: {app: notifications}}
spec:
  replicas: 1
  selector: {matchLabels: {app: notifications}}
  template:
    metadata: {labels: {app: notifications}}
    spec:
      containers: [{name: notifications, image: "nginx:1.25"}]
YAML
kubectl rollout status deployment/notifications -n eval-notify --timeout=120s
