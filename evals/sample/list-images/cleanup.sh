#!/usr/bin/env bash
kubectl delete namespace eval-images --ignore-not-found --wait=false
