#!/usr/bin/env bash
set -euo pipefail
kubectl rollout status deployment/catalog-api -n eval-catalog --timeout=120s
test "$(kubectl get deployment/catalog-api -n eval-catalog -o jsonpath='{.spec.replicas}')" = "4"
