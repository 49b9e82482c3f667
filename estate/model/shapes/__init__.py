"""The shapes of the raw AWS responses the model reads, as msgspec Structs (one module per domain).

A shape names only the fields the model's parsers read, with the types they rely on; every other
field is ignored, so a newer AWS API that adds fields still validates. `SHAPES` maps (service,
operation) to the shape of its response; `PARAM_SHAPES` does the same for the request parameters
the model reads back (GetMetricData's queries). estate/model/validate.py checks records against
them before any parser runs.
"""

from estate.model.shapes.registry import PARAM_SHAPES, SHAPES

__all__ = ["PARAM_SHAPES", "SHAPES"]
