output "db_backups_role_arn" {
  description = "ARN of the CloudNativePG backup Pod Identity role."
  value       = module.pod_identity.iam_role_arn
}

output "db_backups_bucket_name" {
  description = "Name of the database backup bucket: CloudNativePG's barmanObjectStore destinationPath is s3://<this>/<cluster>."
  value       = aws_s3_bucket.db_backups.id
}
