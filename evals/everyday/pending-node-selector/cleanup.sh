#!/usr/bin/env bash
kubectl delete namespace eval-reports --ignore-not-found --wait=false
