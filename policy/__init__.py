"""IAM policy engine: parse, match and (later) evaluate policies. No AWS calls, no UI."""
