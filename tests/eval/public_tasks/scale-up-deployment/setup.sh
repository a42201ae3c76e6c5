#!/bin/bash
kubectl delete namespace scale-test --ignore-not-found
kubectl create namespace scale-test
kubectl create deployment web-app --image=nginx --replicas=1 -n scale-test
kubectl wait --for=condition=Available=True --timeout=30s deployment/web-app -n scale-test
