output "region" {
  description = "Region of the prod environment."
  value       = var.region
}

output "cluster_name" {
  description = "Name of the prod EKS cluster."
  value       = module.eks.cluster_name
}

output "kubeconfig_command" {
  description = "Command that points kubectl at the prod cluster."
  value       = "aws eks update-kubeconfig --region ${var.region} --name ${module.eks.cluster_name}"
}

output "node_role_arns" {
  description = "Node roles of prod (one per node group): list them in dev's ECR pull_principal_arns when prod runs in its own account."
  value       = module.eks.node_role_arns
}

output "github_deploy_role_arn" {
  description = "Role the promote-prod job (environment: production) assumes to verify rollouts (environment variable AWS_DEPLOY_ROLE_ARN of the GitHub Environment production)."
  value       = module.github_oidc.prod_deploy_role_arn
}

output "load_balancer_cidrs" {
  description = "Public subnet CIDRs of the prod VPC (the ALB's addresses): networkPolicy.loadBalancerCidrs in gitops-repo/environments/prod/services/*.yaml."
  value       = module.vpc.public_subnet_cidrs
}

output "certificate_arn" {
  description = "ACM certificate for the prod domain (Ingress annotation alb.ingress.kubernetes.io/certificate-arn)."
  value       = module.certificate.certificate_arn
}

output "db_backups_bucket_name" {
  description = "Bucket CloudNativePG backs up to in prod."
  value       = module.db_backups.db_backups_bucket_name
}

output "argocd_root_application" {
  description = "Name of prod's root Application."
  value       = module.argocd.root_application_name
}

output "vpc_id" {
  description = "ID of the prod VPC: vpcId in gitops-repo/apps/platform/aws-load-balancer-controller/values-prod.yaml."
  value       = module.vpc.vpc_id
}

output "kyverno_role_arn" {
  description = "Pod Identity role of Kyverno's admission controller in prod (ECR read-only, to verify the shop images' attestations): list it in dev's ecr_pull_principal_arns when prod has its own account."
  value       = module.controller_iam.kyverno_role_arn
}

output "github_oidc_subject_prefix" {
  description = "OIDC subject prefix the GitHub roles trust; it must equal gh api repos/OWNER/REPO/actions/oidc/customization/sub --jq .sub_claim_prefix, or no workflow can assume them."
  value       = module.github_oidc.subject_prefix
}
