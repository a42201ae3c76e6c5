#!/usr/bin/env bash
kubectl delete namespace eval-thumbs --ignore-not-found --wait=false
