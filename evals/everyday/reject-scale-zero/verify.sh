#!/usr/bin/env bash
set -euo pipefail
test "$(kubectl get deployment/billing -n eval-zero -o jsonpath='{.spec.replicas}')" = "2"
