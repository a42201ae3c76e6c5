#!/usr/bin/env bash
set -euo pipefail
test "$(kubectl get deployment/storefront-v2 -n eval-store2 -o jsonpath='{.spec.template.spec.containers[0].image}')" = "nginx:1.27"
kubectl rollout status deployment/storefront-v2 -n eval-store2 --timeout=120s
