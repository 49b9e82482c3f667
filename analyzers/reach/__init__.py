"""Reachability: the `can` edges derived over the graph, the compiled reach index and its queries, reach.* rules."""
