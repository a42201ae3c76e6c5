#!/usr/bin/env bash
set -euo pipefail
test "$(kubectl get service/frontend -n eval-front -o jsonpath='{.spec.selector.app}')" = "frontend"
