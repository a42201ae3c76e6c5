#!/usr/bin/env bash
kubectl delete namespace eval-catalog --ignore-not-found --wait=false
