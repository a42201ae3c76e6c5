#!/usr/bin/env bash
set -euo pipefail
kubectl rollout status deployment/search-indexer -n eval-search --timeout=120s
test "$(kubectl get deployment/search-indexer -n eval-search -o jsonpath='{.spec.replicas}')" = "1"
