"""The IAM analysis: effective permissions per principal, escalation edges and paths, the iam.* rules."""
