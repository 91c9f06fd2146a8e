output "state_bucket_name" {
  description = "Name of the state bucket: the `bucket` value of each environment's backend.hcl."
  value       = aws_s3_bucket.state.id
}

output "state_bucket_arn" {
  description = "ARN of the state bucket, for IAM policies that let CI roles read and write state."
  value       = aws_s3_bucket.state.arn
}

output "backend_config" {
  description = "Contents for environments/<env>/backend.hcl (the key is set per environment in its backend block)."
  value       = <<-EOT
    bucket = "${aws_s3_bucket.state.id}"
    region = "${var.region}"
  EOT
}
