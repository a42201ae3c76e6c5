#!/usr/bin/env bash
kubectl delete namespace eval-blog --ignore-not-found --wait=false
