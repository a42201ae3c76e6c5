#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-ledger}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ledger, namespace: eval-ledger, labels: {app: ledger}}
spec:
  replicas: 3
  selector: {matchLabels: {app: ledger}}
  template:
    metadata: {labels: {app: ledger}}
    spec:
      containers: [{name: ledger, image: "nginx:1.27"}]
YAML
