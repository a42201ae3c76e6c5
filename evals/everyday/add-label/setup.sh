#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-labels}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ledger-api, namespace: eval-labels, labels: {app: ledger-api}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ledger-api}}
  template:
    metadata: {labels: {app: ledger-api}}
    spec:
      containers: [{name: ledger-api, image: "nginx:1.27"}]
YAML
