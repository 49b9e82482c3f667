"""Where estates come from: live AWS (boto3), snapshot files, AWS CLI dumps, the demo."""
