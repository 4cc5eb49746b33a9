"""The AWS adapter (boto3)."""
