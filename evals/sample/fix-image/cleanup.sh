#!/usr/bin/env bash
kubectl delete namespace eval-fix --ignore-not-found --wait=false
