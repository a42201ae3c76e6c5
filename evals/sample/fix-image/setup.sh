#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: eval-fix
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  namespace: eval-fix
spec:
  replicas: 2
  selector:
    matchLabels: {app: shop}
  template:
    metadata:
      labels: {app: shop}
    spec:
      containers:
        - name: shop
          image: nginx:1.27-typo-does-not-exist
YAML
