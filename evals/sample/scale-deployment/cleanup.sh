#!/usr/bin/env bash
kubectl delete namespace eval-scale --ignore-not-found --wait=false
