output "load_balancer_controller_role_arn" {
  description = "ARN of the AWS Load Balancer Controller's Pod Identity role."
  value       = aws_iam_role.load_balancer_controller.arn
}

output "external_dns_role_arn" {
  description = "ARN of external-dns's Pod Identity role."
  value       = aws_iam_role.external_dns.arn
}

output "db_backups_role_arn" {
  description = "ARN of the CloudNativePG backup Pod Identity role."
  value       = aws_iam_role.db_backups.arn
}

output "db_backups_bucket_name" {
  description = "Name of the database backup bucket: CloudNativePG's barmanObjectStore destinationPath is s3://<this>/<cluster>."
  value       = aws_s3_bucket.db_backups.id
}

output "certificate_arn" {
  description = "ARN of the validated ACM certificate for the domain and its wildcard (the Ingress annotation alb.ingress.kubernetes.io/certificate-arn)."
  value       = aws_acm_certificate_validation.this.certificate_arn
}

output "hosted_zone_id" {
  description = "ID of the Route53 hosted zone external-dns writes to (its --zone-id-filter)."
  value       = data.aws_route53_zone.this.zone_id
}

output "domain_name" {
  description = "The environment's domain."
  value       = var.domain_name
}
