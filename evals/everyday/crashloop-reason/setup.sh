#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-payments}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: payments-worker, namespace: eval-payments, labels: {app: payments-worker}}
spec:
  replicas: 1
  selector: {matchLabels: {app: payments-worker}}
  template:
    metadata: {labels: {app: payments-worker}}
    spec:
      containers: [{name: payments-worker, image: "busybox:1.36", command: [sh, -c, 'echo "fatal: STRIPE_KEY is not set"; exit 1']}]
YAML
