output "load_balancer_controller_role_arn" {
  description = "ARN of the AWS Load Balancer Controller's Pod Identity role."
  value       = module.load_balancer_controller_pod_identity.iam_role_arn
}

output "external_dns_role_arn" {
  description = "ARN of external-dns's Pod Identity role."
  value       = module.external_dns_pod_identity.iam_role_arn
}

output "kyverno_role_arn" {
  description = "ARN of the Pod Identity role of Kyverno's admission controller (ECR read-only): with prod in its own account, list prod's in dev's ecr_pull_principal_arns."
  value       = module.kyverno_pod_identity.iam_role_arn
}
