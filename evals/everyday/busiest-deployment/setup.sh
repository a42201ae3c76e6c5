#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: eval-shop, labels: {app: cart}}
spec:
  replicas: 2
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec:
      containers: [{name: cart, image: "nginx:1.27"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: catalog, namespace: eval-shop, labels: {app: catalog}}
spec:
  replicas: 5
  selector: {matchLabels: {app: catalog}}
  template:
    metadata: {labels: {app: catalog}}
    spec:
      containers: [{name: catalog, image: "nginx:1.27"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: checkout, namespace: eval-shop, labels: {app: checkout}}
spec:
  replicas: 3
  selector: {matchLabels: {app: checkout}}
  template:
    metadata: {labels: {app: checkout}}
    spec:
      containers: [{name: checkout, image: "nginx:1.27"}]
YAML
