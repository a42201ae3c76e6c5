"""The graph's nodes, one module each; ``make_<node>(deps)`` returns the node function."""
