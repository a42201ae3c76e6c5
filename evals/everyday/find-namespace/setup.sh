#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-billing}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: invoicing, namespace: eval-billing, labels: {app: invoicing}}
spec:
  replicas: 1
  selector: {matchLabels: {app: invoicing}}
  template:
    metadata: {labels: {app: invoicing}}
    spec:
      containers: [{name: invoicing, image: "nginx:1.27"}]
YAML
