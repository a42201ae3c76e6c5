#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-store}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: storefront, namespace: eval-store, labels: {app: storefront}}
spec:
  replicas: 1
  selector: {matchLabels: {app: storefront}}
  template:
    metadata: {labels: {app: storefront}}
    spec:
      containers: [{name: storefront, image: "nginx:1.27-does-not-exist"}]
YAML
