#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: eval-scale
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: eval-scale
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
YAML
kubectl rollout status deployment/web -n eval-scale --timeout=60s
