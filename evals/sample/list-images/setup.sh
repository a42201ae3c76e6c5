#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: eval-images
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: eval-images
spec:
  replicas: 1
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: ghcr.io/example/api:2.4.1
YAML
