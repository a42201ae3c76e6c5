#!/usr/bin/env bash
set -euo pipefail
kubectl rollout status deployment/notifications -n eval-notify --timeout=120s
test "$(kubectl get deployment/notifications -n eval-notify -o jsonpath='{.spec.template.spec.containers[0].image}')" = "nginx:1.27"
