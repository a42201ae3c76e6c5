#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-migrate}
---
apiVersion: batch/v1
kind: Job
metadata: {name: db-migrate, namespace: eval-migrate}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: db-migrate
        image: busybox:1.36
        command: [sh, -c, 'echo "migrated 12 tables"; exit 0']
YAML
