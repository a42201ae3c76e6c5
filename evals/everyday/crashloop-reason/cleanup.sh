#!/usr/bin/env bash
kubectl delete namespace eval-payments --ignore-not-found --wait=false
