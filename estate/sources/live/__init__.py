"""Live collection through boto3: one module per service fetches raw pages, nothing else."""

from estate.sources.live.collector import CollectOptions, collect

__all__ = ["CollectOptions", "collect"]
