# The CloudNativePG database backups: a versioned, KMS-encrypted, private bucket (public access
# block, TLS-only policy, superseded versions expired), and the Pod Identity role of the database's
# service account, from the registry module terraform-aws-modules/eks-pod-identity/aws (pinned;
# inputs recorded in checks/upstream-inputs/) with its custom-policy support.

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  bucket_name = "${var.name}-db-backups-${data.aws_caller_identity.current.account_id}-${data.aws_region.current.region}"
}

resource "aws_s3_bucket" "db_backups" {
  bucket        = local.bucket_name
  force_destroy = var.backup_bucket_force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_ownership_controls" "db_backups" {
  bucket = aws_s3_bucket.db_backups.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "db_backups" {
  bucket = aws_s3_bucket.db_backups.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "db_backups" {
  bucket = aws_s3_bucket.db_backups.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "db_backups" {
  bucket = aws_s3_bucket.db_backups.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "db_backups" {
  bucket = aws_s3_bucket.db_backups.id

  rule {
    id     = "expire-superseded-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.backup_retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.db_backups]
}

data "aws_iam_policy_document" "db_backups_bucket" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.db_backups.arn,
      "${aws_s3_bucket.db_backups.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "db_backups" {
  bucket = aws_s3_bucket.db_backups.id
  policy = data.aws_iam_policy_document.db_backups_bucket.json

  depends_on = [aws_s3_bucket_public_access_block.db_backups]
}

# barman-cloud (CloudNativePG's backup tool) writes WAL and base backups and deletes the ones its
# retention policy expires. CloudNativePG runs the database pods with a service account named after
# the Cluster (cloudnative-pg pkg/specs/pods.go at v1.28.0; api/v1 GetServiceAccountName from v1.29.0).
module "pod_identity" {
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "2.8.1"

  name                      = "${var.name}-cnpg-backups"
  use_name_prefix           = false
  description               = "CloudNativePG backups of ${var.cluster_name} to ${local.bucket_name}"
  custom_policy_description = "Read and write the CloudNativePG backups in ${local.bucket_name}"

  trust_policy_conditions = [{ test = "StringEquals", variable = "aws:SourceAccount", values = [data.aws_caller_identity.current.account_id] }]

  attach_custom_policy = true
  policy_statements = [
    {
      sid       = "ListBucket"
      actions   = ["s3:GetBucketLocation", "s3:ListBucket"]
      resources = [aws_s3_bucket.db_backups.arn]
    },
    {
      sid       = "ReadWriteBackups"
      actions   = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
      resources = ["${aws_s3_bucket.db_backups.arn}/*"]
    },
  ]

  associations = {
    database = {
      cluster_name    = var.cluster_name
      namespace       = var.database_service_account.namespace
      service_account = var.database_service_account.name
    }
  }

  tags = var.tags
}
