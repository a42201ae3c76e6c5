#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-orders}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: orders, namespace: eval-orders, labels: {app: orders}}
spec:
  replicas: 1
  selector: {matchLabels: {app: orders}}
  template:
    metadata: {labels: {app: orders}}
    spec:
      containers: [{name: orders, image: "nginx:1.27"}]
YAML
