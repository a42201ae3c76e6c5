#!/usr/bin/env bash
kubectl delete namespace eval-labels --ignore-not-found --wait=false
