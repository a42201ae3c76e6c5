#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-mon}
---
apiVersion: v1
kind: Service
metadata: {name: metrics, namespace: eval-mon}
spec:
  selector: {app: node-exporter}
  ports: [{port: 9100, targetPort: 9100}]
YAML
