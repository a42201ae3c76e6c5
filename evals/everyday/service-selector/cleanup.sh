#!/usr/bin/env bash
kubectl delete namespace eval-front --ignore-not-found --wait=false
