"""The estate graph (DESIGN.md section 3): one builder, and the API analyses add derived edges through."""
