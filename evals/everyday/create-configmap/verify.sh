#!/usr/bin/env bash
set -euo pipefail
test "$(kubectl get configmap/feature-flags -n eval-flags -o jsonpath='{.data.dark_mode}')" = "on"
