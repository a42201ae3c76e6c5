#!/usr/bin/env bash
set -euo pipefail
test "$(kubectl get deployment/ledger-api -n eval-labels -o jsonpath='{.metadata.labels.team}')" = "payments"
