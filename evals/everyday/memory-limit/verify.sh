#!/usr/bin/env bash
set -euo pipefail
test "$(kubectl get deployment/thumbnailer -n eval-thumbs -o jsonpath='{.spec.template.spec.containers[0].resources.limits.memory}')" = "256Mi"
test "$(kubectl get deployment/thumbnailer -n eval-thumbs -o jsonpath='{.spec.template.spec.containers[0].image}')" = "nginx:1.27"
