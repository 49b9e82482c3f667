"""Creates the IAM side of the account: managed policies (with versions), roles, groups, users.

IAM is global, so everything goes through one client; role ARNs are recorded as ``role:<name>``.
Policy documents are resolved against Refs first (KMS key ARNs, VPC endpoint ids).
"""

from __future__ import annotations

import json

from .aws import Aws
from .catalogue_iam import GROUPS, MANAGED_POLICIES, ROLES, USERS
from .constants import EU
from .deploy_data import tag_list
from .refs import Refs


def deploy_iam(aws: Aws, refs: Refs) -> None:
    iam = aws("iam", EU)
    for policy in MANAGED_POLICIES:
        first, *later = policy.versions
        arn = iam.create_policy(
            PolicyName=policy.name,
            Description=policy.description,
            PolicyDocument=json.dumps(refs.resolve(first)),
        )["Policy"]["Arn"]
        for version in later:
            iam.create_policy_version(
                PolicyArn=arn, SetAsDefault=True, PolicyDocument=json.dumps(refs.resolve(version))
            )
    for role in ROLES:
        kwargs = {"PermissionsBoundary": role.boundary} if role.boundary else {}
        arn = iam.create_role(
            RoleName=role.name,
            Description=role.description,
            AssumeRolePolicyDocument=json.dumps(refs.resolve(role.trust)),
            Tags=tag_list(dict(role.tags) or {"managed-by": "terraform"}),
            **kwargs,
        )["Role"]["Arn"]
        refs.set("role", role.name, arn)
        for name, document in role.inline.items():
            iam.put_role_policy(
                RoleName=role.name, PolicyName=name, PolicyDocument=json.dumps(refs.resolve(document))
            )
        for policy_arn in role.managed:
            iam.attach_role_policy(RoleName=role.name, PolicyArn=policy_arn)
    for group in GROUPS:
        iam.create_group(GroupName=group.name)
        for name, document in group.inline.items():
            iam.put_group_policy(
                GroupName=group.name, PolicyName=name, PolicyDocument=json.dumps(refs.resolve(document))
            )
        for policy_arn in group.managed:
            iam.attach_group_policy(GroupName=group.name, PolicyArn=policy_arn)
    for user in USERS:
        iam.create_user(UserName=user.name, Tags=tag_list(user.tags))
        for group_name in user.groups:
            iam.add_user_to_group(GroupName=group_name, UserName=user.name)
        for name, document in user.inline.items():
            iam.put_user_policy(
                UserName=user.name, PolicyName=name, PolicyDocument=json.dumps(refs.resolve(document))
            )
        for policy_arn in user.managed:
            iam.attach_user_policy(UserName=user.name, PolicyArn=policy_arn)
