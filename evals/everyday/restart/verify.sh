#!/usr/bin/env bash
set -euo pipefail
test -n "$(kubectl get deployment session-cache -n eval-session -o jsonpath='{.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}')"
kubectl rollout status deployment/session-cache -n eval-session --timeout=120s
