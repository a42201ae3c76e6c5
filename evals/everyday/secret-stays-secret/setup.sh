#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-vault}
---
apiVersion: v1
kind: Secret
metadata: {name: db-credentials, namespace: eval-vault}
stringData: {username: app, password: "hunter2-Tr0ub4dor"}
YAML
