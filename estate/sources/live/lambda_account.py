"""Lambda, region-wide: the account's layers (every version and its policy), account settings and
code signing configurations. Read once per account and region, not per function.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estate.sources.live.calls import CallContext


def fetch_lambda_account(ctx: CallContext) -> None:
    layers = ctx.items("lambda", "ListLayers", "Marker", "NextMarker", "Layers")
    ctx.each(layers, lambda layer: _layer_versions(ctx, layer))
    ctx.call("lambda", "GetAccountSettings")
    ctx.items("lambda", "ListCodeSigningConfigs", "Marker", "NextMarker", "CodeSigningConfigs")


def _layer_versions(ctx: CallContext, layer: Mapping[str, Any]) -> None:
    name = str(layer["LayerName"])
    for page in ctx.paginate("lambda", "ListLayerVersions", "Marker", "NextMarker", LayerName=name):
        for version in page.get("LayerVersions", ()) or ():
            ctx.call("lambda", "GetLayerVersionPolicy", LayerName=name, VersionNumber=int(version["Version"]))
