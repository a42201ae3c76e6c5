#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: eval-batch}
---
apiVersion: batch/v1
kind: Job
metadata: {name: nightly-backup, namespace: eval-batch}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: nightly-backup
        image: busybox:1.36
        command: [sh, -c, 'echo "backup failed: disk full"; exit 1']
---
apiVersion: batch/v1
kind: Job
metadata: {name: report-export, namespace: eval-batch}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: report-export
        image: busybox:1.36
        command: [sh, -c, 'echo exported; exit 0']
---
apiVersion: batch/v1
kind: Job
metadata: {name: cleanup-tmp, namespace: eval-batch}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: cleanup-tmp
        image: busybox:1.36
        command: [sh, -c, 'echo "permission denied"; exit 2']
YAML
