#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-catalog}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: catalog-api, namespace: eval-catalog, labels: {app: catalog-api}}
spec:
  replicas: 2
  selector: {matchLabels: {app: catalog-api}}
  template:
    metadata: {labels: {app: catalog-api}}
    spec:
      containers: [{name: catalog-api, image: "nginx:1.27"}]
YAML
kubectl rollout status deployment/catalog-api -n eval-catalog --timeout=120s
