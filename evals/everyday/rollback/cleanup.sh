#!/usr/bin/env bash
kubectl delete namespace eval-checkout --ignore-not-found --wait=false
