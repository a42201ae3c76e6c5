#!/usr/bin/env bash
kubectl delete namespace eval-pdf --ignore-not-found --wait=false
