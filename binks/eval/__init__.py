"""``binks eval``: measure the configured model on Kubernetes tasks in the k8s-ai-bench format."""
