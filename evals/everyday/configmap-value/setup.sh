#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-gw}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: gateway, namespace: eval-gw, labels: {app: gateway}}
spec:
  replicas: 1
  selector: {matchLabels: {app: gateway}}
  template:
    metadata: {labels: {app: gateway}}
    spec:
      containers: [{name: gateway, image: "nginx:1.27"}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: gateway-config, namespace: eval-gw}
data:
  LOG_LEVEL: "debug"
  PORT: "8080"
YAML
