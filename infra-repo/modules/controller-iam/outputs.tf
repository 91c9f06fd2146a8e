output "load_balancer_controller_role_arn" {
  description = "ARN of the AWS Load Balancer Controller's Pod Identity role."
  value       = module.load_balancer_controller_pod_identity.iam_role_arn
}

output "external_dns_role_arn" {
  description = "ARN of external-dns's Pod Identity role."
  value       = module.external_dns_pod_identity.iam_role_arn
}
