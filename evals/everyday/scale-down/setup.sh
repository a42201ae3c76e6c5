#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-search}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: search-indexer, namespace: eval-search, labels: {app: search-indexer}}
spec:
  replicas: 3
  selector: {matchLabels: {app: search-indexer}}
  template:
    metadata: {labels: {app: search-indexer}}
    spec:
      containers: [{name: search-indexer, image: "nginx:1.27"}]
YAML
kubectl rollout status deployment/search-indexer -n eval-search --timeout=120s
