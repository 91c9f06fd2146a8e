output "oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider (created here or looked up)."
  value       = local.oidc_arn
}

output "build_push_role_arn" {
  description = "ARN of the build/push role (null when create_build_role is false): the release workflow's `role-to-assume` for ECR."
  value       = one(aws_iam_role.build_push[*].arn)
}

output "dev_deploy_role_arn" {
  description = "ARN of the dev deploy role (null when create_dev_deploy_role is false)."
  value       = one(aws_iam_role.dev_deploy[*].arn)
}

output "prod_deploy_role_arn" {
  description = "ARN of the prod deploy role (null when create_prod_deploy_role is false); trusted only from the `production` environment."
  value       = one(aws_iam_role.prod_deploy[*].arn)
}

output "preview_role_arn" {
  description = "ARN of the preview role (null when create_preview_role is false): the pull-request workflow's AWS_PREVIEW_ROLE_ARN, trusted only from pull_request runs of this repository."
  value       = one(aws_iam_role.preview[*].arn)
}

output "dev_deploy_access_entry" {
  description = "EKS access entry of the dev deploy role (null when create_dev_deploy_role is false): its Kubernetes group only, no EKS access policy. Pass it to the cluster's access entries; gitops-repo/apps/platform/namespaces/deploy-access.yaml binds the group."
  value       = var.create_dev_deploy_role ? merge(local.deploy_access, { principal_arn = aws_iam_role.dev_deploy[0].arn }) : null
}

output "prod_deploy_access_entry" {
  description = "EKS access entry of the prod deploy role (null when create_prod_deploy_role is false): its Kubernetes group only, no EKS access policy."
  value       = var.create_prod_deploy_role ? merge(local.deploy_access, { principal_arn = aws_iam_role.prod_deploy[0].arn }) : null
}

output "preview_access_entry" {
  description = "EKS access entry of the preview role (null when create_preview_role is false): its Kubernetes group only, no EKS access policy. gitops-repo/apps/platform/namespaces/deploy-access.yaml binds the group to reading Applications in argocd."
  value       = var.create_preview_role ? merge(local.preview_access, { principal_arn = aws_iam_role.preview[0].arn }) : null
}

output "subject_prefix" {
  description = "The OIDC subject prefix every role trusts (repo:OWNER@OWNER-ID/REPO@REPO-ID or repo:OWNER/REPO, as github_subject_format says). It must equal the repository's sub_claim_prefix: gh api repos/OWNER/REPO/actions/oidc/customization/sub --jq .sub_claim_prefix."
  value       = local.oidc_subject_prefix
}

output "trusted_subjects" {
  description = "The exact `sub` each role trusts, by role (build_push, dev_deploy, prod_deploy, preview), whether or not the role is created."
  value       = local.oidc_subjects
}
