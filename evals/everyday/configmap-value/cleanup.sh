#!/usr/bin/env bash
kubectl delete namespace eval-gw --ignore-not-found --wait=false
