#!/usr/bin/env bash
set -euo pipefail
test "$(kubectl get deployment/pdf-render -n eval-pdf -o jsonpath='{.spec.template.spec.containers[0].resources.requests.cpu}')" = "100m"
