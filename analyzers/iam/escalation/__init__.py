"""Privilege escalation: a declarative catalogue of methods, the edges they make, and the paths.

- `types`: what a method is (`EscalationMethod`, `Need`, `On`, `Reach`, `Yields`), as data;
- `methods.METHODS`: one entry per known method (Rhino Security Labs' list and later additions);
- `targets`: candidate targets per method, from indexes (trust policies, services, functions);
- `edges.escalation_edges(model)`: every method checked for every role and user, by the engine;
- `paths.EscalationGraph`: shortest chains (networkx) to strictly more privileged principals.
"""
