"""Privilege escalation: a declarative catalogue of methods, the edges they make, and the paths.

The edges are kept as summaries, never as every (caller, target) pair: a 10,000-function estate
has a million escalation edges, a 100,000-function one a hundred times more.

- `types`: what a method is (`EscalationMethod`, `Need`, `On`, `Reach`, `Yields`), as data;
- `methods.METHODS`: one entry per known method (Rhino Security Labs' list and later additions);
- `targets`: candidate targets per method, from indexes (trust policies, services, functions);
- `principal_index`: principals numbered, so target sets are bitsets;
- `fans`: the edges from one caller by one method as one object (`Fan`), shared members, the
  edges listed on reading (`EscalationEdges`); `skeletons`, `classed_fans`, `held`: fans whose
  members are made on reading (grants the same for all, per class of targets, or over what the
  caller holds); `target_classes`: the engine's decisions per class of targets;
- `edges.escalation_fans(model)` (`method_fans` per method): every method for every caller;
- `state_graph`, `search`, `admin_reach`: the search's states, arcs into the core and bitsets of
  sinks, networkx's Dijkstra step for step, and which administrators each state reaches;
- `paths.EscalationGraph`: per start, the strictly more privileged principals it can become,
  kept compact (`routes`) and made into `hops.EscalationPath`s when read;
- `graph_edges`, `target_sets`: the edges drawn into the estate graph; wide fans through one
  `role-set` node per class of targets no fan tells apart, the pairs read from the fans on demand.
"""
