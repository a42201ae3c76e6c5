#!/usr/bin/env bash
kubectl delete namespace eval-quiet --ignore-not-found --wait=false
