#!/usr/bin/env bash
set -euo pipefail
test "$(kubectl get deployment/checkout -n eval-checkout -o jsonpath='{.spec.template.spec.containers[0].image}')" = "nginx:1.25"
kubectl rollout status deployment/checkout -n eval-checkout --timeout=120s
