#!/usr/bin/env bash
set -euo pipefail
test "$(kubectl get deployment shop -n eval-fix -o jsonpath='{.spec.template.spec.containers[0].image}')" = "nginx:1.27"
kubectl rollout status deployment/shop -n eval-fix --timeout=60s
