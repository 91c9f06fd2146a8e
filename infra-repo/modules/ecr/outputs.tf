output "repository_urls" {
  description = "Repository URL by service, e.g. { product = \"<account>.dkr.ecr.<region>.amazonaws.com/slipway/product\" }."
  value       = { for s, r in aws_ecr_repository.service : s => r.repository_url }
}

output "repository_arns" {
  description = "Repository ARN by service, for the build role's push permissions."
  value       = { for s, r in aws_ecr_repository.service : s => r.arn }
}

output "registry_id" {
  description = "Registry (account) id the repositories live in."
  value       = values(aws_ecr_repository.service)[0].registry_id
}
