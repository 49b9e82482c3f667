#!/usr/bin/env bash
# Dump one AWS account's Lambda estate with read-only AWS CLI calls, in the layout
# `lambdascope import DIR -o FILE.lsnap` reads:
#   DIR/global/<command>.json   DIR/<region>/<command>.json   DIR/<region>/<command>/<resource>.json
# Usage: scripts/dump-estate.sh DIR REGION [REGION ...]   (uses your AWS CLI profile / env credentials)
# A refused call leaves the CLI's error text in the file (lambdascope records the refusal as a gap);
# an empty output (e.g. no reserved concurrency) leaves an empty file.
set -uo pipefail

if [ "$#" -lt 2 ]; then
  echo "usage: $0 DIR REGION [REGION ...]" >&2
  exit 2
fi
out=$1
shift
umask 077
export AWS_PAGER=""

# dump FILE aws-args...: the command's JSON output in FILE, or its error text when it fails.
dump() {
  local file=$1
  shift
  mkdir -p "$(dirname "$file")"
  if ! aws "$@" --output json >"$file" 2>"$file.err"; then
    mv "$file.err" "$file"
    echo "warning: aws $1 $2 failed: $(tr '\n' ' ' <"$file" | cut -c1-200)" >&2
    return 0
  fi
  rm -f "$file.err"
}

# A resource name as a file name ("/" in secret and log group names becomes %2F).
fname() {
  local name=${1//%/%25}
  printf '%s' "${name//\//%2F}"
}

# The values of a JSON query over a dump file, one per line (empty when the file is an error).
values() {
  jq -r "$2 // empty" "$1" 2>/dev/null || true
}

command -v jq >/dev/null || { echo "error: jq is required" >&2; exit 2; }

g="$out/global"
dump "$g/iam-get-account-authorization-details.json" iam get-account-authorization-details
dump "$g/s3api-list-buckets.json" s3api list-buckets
for bucket in $(values "$g/s3api-list-buckets.json" '.Buckets[]?.Name'); do
  for cmd in get-bucket-location get-bucket-notification-configuration get-bucket-policy \
    get-bucket-encryption get-public-access-block get-bucket-tagging; do
    dump "$g/s3api-$cmd/$bucket.json" s3api "$cmd" --bucket "$bucket"
  done
done

for region in "$@"; do
  r="$out/$region"
  a=(--region "$region")
  dump "$r/lambda-list-functions.json" lambda list-functions "${a[@]}"
  dump "$r/lambda-list-event-source-mappings.json" lambda list-event-source-mappings "${a[@]}"
  for fn in $(values "$r/lambda-list-functions.json" '.Functions[]?.FunctionName'); do
    dump "$r/lambda-get-policy/$fn.json" lambda get-policy --function-name "$fn" "${a[@]}"
    dump "$r/lambda-get-function-url-config/$fn.json" lambda get-function-url-config --function-name "$fn" "${a[@]}"
    dump "$r/lambda-list-tags/$fn.json" lambda list-tags --resource \
      "$(values "$r/lambda-list-functions.json" ".Functions[] | select(.FunctionName==\"$fn\") | .FunctionArn")" "${a[@]}"
    dump "$r/lambda-get-function-concurrency/$fn.json" lambda get-function-concurrency --function-name "$fn" "${a[@]}"
    dump "$r/lambda-list-provisioned-concurrency-configs/$fn.json" lambda list-provisioned-concurrency-configs \
      --function-name "$fn" "${a[@]}"
    dump "$r/lambda-get-function-code-signing-config/$fn.json" lambda get-function-code-signing-config \
      --function-name "$fn" "${a[@]}"
    dump "$r/lambda-list-function-event-invoke-configs/$fn.json" lambda list-function-event-invoke-configs \
      --function-name "$fn" "${a[@]}"
    dump "$r/lambda-list-aliases/$fn.json" lambda list-aliases --function-name "$fn" "${a[@]}"
    dump "$r/lambda-list-versions-by-function/$fn.json" lambda list-versions-by-function --function-name "$fn" "${a[@]}"
    for alias in $(values "$r/lambda-list-aliases/$fn.json" '.Aliases[]?.Name'); do
      dump "$r/lambda-get-policy/$fn@$alias.json" lambda get-policy --function-name "$fn" --qualifier "$alias" "${a[@]}"
    done
  done
  for cmd in describe-vpcs describe-subnets describe-route-tables describe-internet-gateways \
    describe-nat-gateways describe-vpc-endpoints describe-security-groups; do
    dump "$r/ec2-$cmd.json" ec2 "$cmd" "${a[@]}"
  done
  dump "$r/kms-list-keys.json" kms list-keys "${a[@]}"
  dump "$r/kms-list-aliases.json" kms list-aliases "${a[@]}"
  for key in $(values "$r/kms-list-keys.json" '.Keys[]?.KeyId'); do
    dump "$r/kms-describe-key/$key.json" kms describe-key --key-id "$key" "${a[@]}"
    dump "$r/kms-get-key-policy/$key.json" kms get-key-policy --key-id "$key" --policy-name default "${a[@]}"
    if [ "$(values "$r/kms-describe-key/$key.json" '.KeyMetadata | select(.KeyManager=="CUSTOMER"
        and (.KeySpec // "SYMMETRIC_DEFAULT")=="SYMMETRIC_DEFAULT" and (.Origin // "AWS_KMS")=="AWS_KMS"
        and (.KeyState=="Enabled" or .KeyState=="Disabled")) | .KeyId')" = "$key" ]; then
      dump "$r/kms-get-key-rotation-status/$key.json" kms get-key-rotation-status --key-id "$key" "${a[@]}"
    fi
  done
  dump "$r/dynamodb-list-tables.json" dynamodb list-tables "${a[@]}"
  for table in $(values "$r/dynamodb-list-tables.json" '.TableNames[]?'); do
    dump "$r/dynamodb-describe-table/$table.json" dynamodb describe-table --table-name "$table" "${a[@]}"
    arn=$(values "$r/dynamodb-describe-table/$table.json" '.Table.TableArn')
    if [ -n "$arn" ]; then
      dump "$r/dynamodb-list-tags-of-resource/$table.json" dynamodb list-tags-of-resource --resource-arn "$arn" "${a[@]}"
      dump "$r/dynamodb-get-resource-policy/$table.json" dynamodb get-resource-policy --resource-arn "$arn" "${a[@]}"
    fi
  done
  dump "$r/sqs-list-queues.json" sqs list-queues "${a[@]}"
  for url in $(values "$r/sqs-list-queues.json" '.QueueUrls[]?'); do
    q=$(fname "${url##*/}")
    dump "$r/sqs-get-queue-attributes/$q.json" sqs get-queue-attributes --queue-url "$url" --attribute-names All "${a[@]}"
    dump "$r/sqs-list-queue-tags/$q.json" sqs list-queue-tags --queue-url "$url" "${a[@]}"
  done
  dump "$r/sns-list-topics.json" sns list-topics "${a[@]}"
  dump "$r/sns-list-subscriptions.json" sns list-subscriptions "${a[@]}"
  for topic in $(values "$r/sns-list-topics.json" '.Topics[]?.TopicArn'); do
    t=$(fname "${topic##*:}")
    dump "$r/sns-get-topic-attributes/$t.json" sns get-topic-attributes --topic-arn "$topic" "${a[@]}"
    dump "$r/sns-list-tags-for-resource/$t.json" sns list-tags-for-resource --resource-arn "$topic" "${a[@]}"
  done
  dump "$r/secretsmanager-list-secrets.json" secretsmanager list-secrets "${a[@]}"
  values "$r/secretsmanager-list-secrets.json" '.SecretList[]? | "\(.ARN)\t\(.Name)"' |
    while IFS=$'\t' read -r arn name; do
      dump "$r/secretsmanager-get-resource-policy/$(fname "$name").json" secretsmanager get-resource-policy \
        --secret-id "$arn" "${a[@]}"
    done
  dump "$r/logs-describe-log-groups.json" logs describe-log-groups --log-group-name-prefix /aws/lambda/ "${a[@]}"
  for group in $(values "$r/logs-describe-log-groups.json" '.logGroups[]?.logGroupName'); do
    dump "$r/logs-describe-subscription-filters/$(fname "$group").json" logs describe-subscription-filters \
      --log-group-name "$group" "${a[@]}"
  done
  dump "$r/cloudtrail-describe-trails.json" cloudtrail describe-trails --include-shadow-trails "${a[@]}"
  values "$r/cloudtrail-describe-trails.json" ".trailList[]? | select(.HomeRegion==\"$region\") | \"\(.TrailARN)\t\(.Name)\"" |
    while IFS=$'\t' read -r arn name; do
      dump "$r/cloudtrail-get-event-selectors/$(fname "$name").json" cloudtrail get-event-selectors --trail-name "$arn" "${a[@]}"
      dump "$r/cloudtrail-get-trail-status/$(fname "$name").json" cloudtrail get-trail-status --name "$arn" "${a[@]}"
    done
  dump "$r/cloudwatch-describe-alarms.json" cloudwatch describe-alarms "${a[@]}"
done
echo "dumped to $out; now run: lambdascope import $out -o estate.lsnap" >&2
