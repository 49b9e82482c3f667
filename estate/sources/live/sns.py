"""SNS: topics with their attributes (policy, KMS key) and tags, and every subscription (a
`lambda` subscription is an invoker of its function)."""

from __future__ import annotations

from estate.sources.live.calls import CallContext


def fetch_topics(ctx: CallContext) -> None:
    topics = ctx.items("sns", "ListTopics", "NextToken", "NextToken", "Topics")

    def details(arn: str) -> None:
        ctx.call("sns", "GetTopicAttributes", TopicArn=arn)
        ctx.call("sns", "ListTagsForResource", ResourceArn=arn)

    ctx.each([str(t["TopicArn"]) for t in topics], details)
    ctx.items("sns", "ListSubscriptions", "NextToken", "NextToken", "Subscriptions")
