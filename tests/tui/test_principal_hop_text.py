"""A hop in the principal view names the pathfinding.cloud paths its method takes."""

from __future__ import annotations

from tests.paths import analysed_demo
from tui.screens.principal import hop_text


def test_hop_text_names_the_pathfinding_ids_of_its_method() -> None:
    iam = analysed_demo().iam
    assert iam is not None
    hops = [hop for paths in iam.paths.values() for path in paths for hop in path.hops]
    catalogued = [hop for hop in hops if hop.edge.method.pathfinding]
    assert catalogued, "the demo has escalations by catalogued methods"
    hop = catalogued[0]
    text = hop_text(1, hop).plain
    assert f"pathfinding.cloud {', '.join(hop.edge.method.pathfinding)}" in text
    uncatalogued = [h for h in hops if not h.edge.method.pathfinding]
    for other in uncatalogued[:1]:
        assert "pathfinding.cloud" not in hop_text(1, other).plain
