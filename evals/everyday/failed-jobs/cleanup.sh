#!/usr/bin/env bash
kubectl delete namespace eval-batch --ignore-not-found --wait=false
