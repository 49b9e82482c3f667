"""SQS: queues with all their attributes (policy, KMS, redrive) and tags.

ListQueues returns a NextToken only when MaxResults is given (else at most 1,000 queues), so
the page size is always set."""

from __future__ import annotations

from estate.sources.live.calls import CallContext


def fetch_queues(ctx: CallContext) -> None:
    urls = ctx.items("sqs", "ListQueues", "NextToken", "NextToken", "QueueUrls", MaxResults=1000)

    def details(url: str) -> None:
        ctx.call("sqs", "GetQueueAttributes", QueueUrl=url, AttributeNames=["All"])
        ctx.call("sqs", "ListQueueTags", QueueUrl=url)

    ctx.each([str(u) for u in urls], details)
