#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-tiers}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web-ui, namespace: eval-tiers, labels: {app: web-ui, tier: frontend}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web-ui}}
  template:
    metadata: {labels: {app: web-ui, tier: frontend}}
    spec:
      containers: [{name: web-ui, image: "nginx:1.27"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: orders-api, namespace: eval-tiers, labels: {app: orders-api, tier: backend}}
spec:
  replicas: 1
  selector: {matchLabels: {app: orders-api}}
  template:
    metadata: {labels: {app: orders-api, tier: backend}}
    spec:
      containers: [{name: orders-api, image: "nginx:1.27"}]
YAML
