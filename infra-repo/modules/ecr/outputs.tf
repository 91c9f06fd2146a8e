output "repository_urls" {
  description = "Repository URL by service, e.g. { product = \"<account>.dkr.ecr.<region>.amazonaws.com/slipway/product\" }."
  value       = { for s, r in aws_ecr_repository.service : s => r.repository_url }
}

output "repository_arns" {
  description = "Repository ARN by service, for the build role's push permissions (release images only)."
  value       = { for s, r in aws_ecr_repository.service : s => r.arn }
}

output "preview_repository_urls" {
  description = "Preview repository URL by service, e.g. { product = \"<account>.dkr.ecr.<region>.amazonaws.com/slipway/preview/product\" } (empty when create_preview_repositories is false)."
  value       = { for s, r in aws_ecr_repository.preview : s => r.repository_url }
}

output "preview_repository_arns" {
  description = "Preview repository ARN by service, for the preview role's push permissions (empty when create_preview_repositories is false)."
  value       = { for s, r in aws_ecr_repository.preview : s => r.arn }
}

output "registry_id" {
  description = "Registry (account) id the repositories live in."
  value       = values(aws_ecr_repository.service)[0].registry_id
}
