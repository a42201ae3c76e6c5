#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-pdf}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: pdf-render, namespace: eval-pdf, labels: {app: pdf-render}}
spec:
  replicas: 1
  selector: {matchLabels: {app: pdf-render}}
  template:
    metadata: {labels: {app: pdf-render}}
    spec:
      containers: [{name: pdf-render, image: "nginx:1.27"}]
YAML
kubectl rollout status deployment/pdf-render -n eval-pdf --timeout=120s
