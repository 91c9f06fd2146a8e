output "region" {
  description = "Region of the dev environment (GitHub variable AWS_REGION)."
  value       = var.region
}

output "cluster_name" {
  description = "Name of the dev EKS cluster."
  value       = module.eks.cluster_name
}

output "kubeconfig_command" {
  description = "Command that points kubectl at the dev cluster."
  value       = "aws eks update-kubeconfig --region ${var.region} --name ${module.eks.cluster_name}"
}

output "ecr_repository_urls" {
  description = "Image repository URL by service (used by the build workflow and the GitOps manifests)."
  value       = module.ecr.repository_urls
}

output "ecr_preview_repository_urls" {
  description = "Preview image repository URL by service: the pull-request workflow's preview images (ECR_REPOSITORY_PREFIX/preview/<service>) and the image repositories of gitops-repo/environments/dev/previews.yaml."
  value       = module.ecr.preview_repository_urls
}

output "github_build_push_role_arn" {
  description = "Role the release workflow assumes to push images (GitHub variable AWS_BUILD_ROLE_ARN)."
  value       = module.github_oidc.build_push_role_arn
}

output "github_deploy_role_arn" {
  description = "Role the release workflow assumes to verify dev rollouts (environment variable AWS_DEPLOY_ROLE_ARN of the GitHub Environment dev)."
  value       = module.github_oidc.dev_deploy_role_arn
}

output "github_preview_role_arn" {
  description = "Role the pull-request workflow's preview job assumes to push its images to the preview repositories and read its preview Application (GitHub variable AWS_PREVIEW_ROLE_ARN)."
  value       = module.github_oidc.preview_role_arn
}

output "load_balancer_cidrs" {
  description = "Public subnet CIDRs of the dev VPC (the ALB's addresses): networkPolicy.loadBalancerCidrs in gitops-repo/environments/dev/services/*.yaml."
  value       = module.vpc.public_subnet_cidrs
}

output "certificate_arn" {
  description = "ACM certificate for the dev domain (Ingress annotation alb.ingress.kubernetes.io/certificate-arn)."
  value       = module.certificate.certificate_arn
}

output "db_backups_bucket_name" {
  description = "Bucket CloudNativePG backs up to in dev."
  value       = module.db_backups.db_backups_bucket_name
}

output "argocd_root_application" {
  description = "Name of dev's root Application."
  value       = module.argocd.root_application_name
}

output "vpc_id" {
  description = "ID of the dev VPC: vpcId in gitops-repo/apps/platform/aws-load-balancer-controller/values-dev.yaml."
  value       = module.vpc.vpc_id
}

output "kyverno_role_arn" {
  description = "Pod Identity role of Kyverno's admission controller in dev (ECR read-only, to verify the shop images' attestations)."
  value       = module.controller_iam.kyverno_role_arn
}

output "github_oidc_subject_prefix" {
  description = "OIDC subject prefix the GitHub roles trust; it must equal gh api repos/OWNER/REPO/actions/oidc/customization/sub --jq .sub_claim_prefix, or no workflow can assume them."
  value       = module.github_oidc.subject_prefix
}
