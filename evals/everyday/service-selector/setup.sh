#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-front}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend, namespace: eval-front, labels: {app: frontend}}
spec:
  replicas: 1
  selector: {matchLabels: {app: frontend}}
  template:
    metadata: {labels: {app: frontend}}
    spec:
      containers: [{name: frontend, image: "nginx:1.27"}]
---
apiVersion: v1
kind: Service
metadata: {name: frontend, namespace: eval-front}
spec:
  selector: {app: frontnd}
  ports: [{port: 80, targetPort: 80}]
YAML
kubectl rollout status deployment/frontend -n eval-front --timeout=120s
