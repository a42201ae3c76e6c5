#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-blog}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: blog-web, namespace: eval-blog, labels: {app: blog-web}}
spec:
  replicas: 1
  selector: {matchLabels: {app: blog-web}}
  template:
    metadata: {labels: {app: blog-web}}
    spec:
      containers: [{name: blog-web, image: "nginx:1.27"}]
---
apiVersion: v1
kind: Service
metadata: {name: blog-web, namespace: eval-blog}
spec:
  selector: {app: blog-web}
  ports: [{port: 80, targetPort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: blog-db, namespace: eval-blog}
spec:
  selector: {app: blog-db}
  ports: [{port: 5432, targetPort: 5432}]
YAML
