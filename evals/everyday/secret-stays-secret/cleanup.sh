#!/usr/bin/env bash
kubectl delete namespace eval-vault --ignore-not-found --wait=false
