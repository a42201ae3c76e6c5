#!/usr/bin/env bash
set -euo pipefail
test "$(kubectl get configmap/greeter-config -n eval-greeter -o jsonpath='{.data.GREETING}')" = "hello"
test "$(kubectl get deployment/greeter -n eval-greeter -o jsonpath='{.spec.template.spec.containers[0].volumeMounts[0].mountPath}')" = "/etc/greeter"
