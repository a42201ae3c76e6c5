#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-store2}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: storefront-v2, namespace: eval-store2, labels: {app: storefront-v2}}
spec:
  replicas: 1
  selector: {matchLabels: {app: storefront-v2}}
  template:
    metadata: {labels: {app: storefront-v2}}
    spec:
      containers: [{name: storefront-v2, image: "nginx:1.27-does-not-exist"}]
YAML
