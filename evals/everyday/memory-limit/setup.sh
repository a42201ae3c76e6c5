#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-thumbs}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: thumbnailer, namespace: eval-thumbs, labels: {app: thumbnailer}}
spec:
  replicas: 1
  selector: {matchLabels: {app: thumbnailer}}
  template:
    metadata: {labels: {app: thumbnailer}}
    spec:
      containers: [{name: thumbnailer, image: "nginx:1.27"}]
YAML
kubectl rollout status deployment/thumbnailer -n eval-thumbs --timeout=120s
