#!/usr/bin/env bash
set -euo pipefail
kubectl rollout status deployment/web -n eval-scale --timeout=60s
test "$(kubectl get deployment web -n eval-scale -o jsonpath='{.spec.replicas}')" = "3"
test "$(kubectl get deployment web -n eval-scale -o jsonpath='{.status.readyReplicas}')" = "3"
