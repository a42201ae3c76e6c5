#!/usr/bin/env bash
kubectl delete namespace eval-cache --ignore-not-found --wait=false
