"""Configuration rules (config.*): what each function, store, key and account setting says about posture.

Exported: what views read beside the findings (a function's network egress, which functions the
internet can invoke). The rules themselves run from `analyzers.analysis`.
"""

from analyzers.config.egress import Egress, egress_of
from analyzers.config.rules_deployment import internet_facing

__all__ = ["Egress", "egress_of", "internet_facing"]
