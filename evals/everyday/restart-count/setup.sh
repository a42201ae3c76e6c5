#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-ingest}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ingest, namespace: eval-ingest, labels: {app: ingest}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ingest}}
  template:
    metadata: {labels: {app: ingest}}
    spec:
      containers: [{name: ingest, image: "busybox:1.36", command: [sh, -c, 'echo "connection refused"; exit 1']}]
YAML
