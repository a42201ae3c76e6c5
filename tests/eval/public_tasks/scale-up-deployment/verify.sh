#!/bin/bash
if kubectl wait --for=condition=Available=True --timeout=30s deployment/web-app -n scale-test; then
    if [ "$(kubectl get deployment web-app -n scale-test -o jsonpath='{.status.availableReplicas}')" = "2" ]; then
        exit 0
    fi
fi
exit 1
