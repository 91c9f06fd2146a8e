# dev: small and cheap — two AZs, one NAT gateway, Spot nodes, no deletion
# protection, everything destroyable. Values only; logic lives in the modules.

locals {
  environment = "dev"
  name        = "slipway-dev"
  tags        = { Project = "slipway", Environment = local.environment, ManagedBy = "terraform" }
}

module "vpc" {
  source = "../../modules/vpc"

  name               = local.name
  cidr               = "10.10.0.0/16"
  az_count           = 2
  nat_gateway_per_az = false
  cluster_name       = local.name
  tags               = local.tags
}

# The one registry: images are built once, pushed here, and promoted to prod by digest. Dev also
# holds the preview repositories (slipway/preview/<service>) of the pull requests' previews.
module "ecr" {
  source = "../../modules/ecr"

  name_prefix                 = "slipway"
  services                    = ["frontend", "product", "cart", "order"]
  create_preview_repositories = true
  force_delete                = true
  pull_principal_arns         = var.ecr_pull_principal_arns
  tags                        = local.tags
}

module "github_oidc" {
  source = "../../modules/github-oidc"

  github_org             = var.github_org
  github_repo            = var.github_repo
  github_owner_id        = var.github_owner_id
  github_repository_id   = var.github_repository_id
  github_subject_format  = var.github_subject_format
  name_prefix            = "slipway"
  create_oidc_provider   = var.create_github_oidc_provider
  create_build_role      = true
  ecr_repository_arns    = values(module.ecr.repository_arns)
  create_dev_deploy_role = true
  # Pull requests labelled preview push pr-<number>-<sha> images to the preview repositories, and
  # only there, and wait for their Application (gitops-repo/README.md, "Preview environments").
  create_preview_role         = true
  preview_ecr_repository_arns = values(module.ecr.preview_repository_arns)
  cluster_name                = local.name
  tags                        = local.tags
}

module "eks" {
  source = "../../modules/eks"

  cluster_name                 = local.name
  vpc_id                       = module.vpc.vpc_id
  subnet_ids                   = module.vpc.private_subnet_ids
  endpoint_public_access       = true
  endpoint_public_access_cidrs = var.endpoint_public_access_cidrs
  deletion_protection          = false
  log_retention_days           = 7

  node_groups = {
    default = {
      instance_types = ["t3.large", "t3a.large", "m5.large"]
      capacity_type  = "SPOT"
      min_size       = 2
      max_size       = 4
      desired_size   = 2
    }
  }

  sso_admin_permission_set_name = var.sso_admin_permission_set_name
  # The deploy role joins its Kubernetes group and gets no EKS access policy: none grants Argo CD's
  # Applications, and Edit in argocd would control Argo CD itself. The group's RBAC (read
  # Applications, proxy to Prometheus) is gitops-repo/apps/platform/namespaces/deploy-access.yaml.
  # The preview role likewise joins its own group, which may only read Applications in argocd.
  access_entries = {
    github-deploy  = module.github_oidc.dev_deploy_access_entry
    github-preview = module.github_oidc.preview_access_entry
  }

  tags = local.tags
}

module "certificate" {
  source = "../../modules/certificate"

  hosted_zone_name = var.hosted_zone_name
  domain_name      = var.domain_name
  tags             = local.tags
}

# Pod Identity roles of the AWS Load Balancer Controller and external-dns (the Cluster Autoscaler's
# and the EBS CSI driver's are made by modules/eks).
module "controller_iam" {
  source = "../../modules/controller-iam"

  name            = local.name
  cluster_name    = module.eks.cluster_name
  hosted_zone_arn = module.certificate.hosted_zone_arn
  tags            = local.tags
}

module "db_backups" {
  source = "../../modules/db-backups"

  name                        = local.name
  cluster_name                = module.eks.cluster_name
  backup_retention_days       = 7
  backup_bucket_force_destroy = true
  tags                        = local.tags
}

module "argocd" {
  source = "../../modules/argocd"

  environment       = local.environment
  gitops_repo_url   = var.gitops_repo_url
  gitops_path       = var.gitops_path
  high_availability = false

  # Pod Identity associations and add-ons first, so platform apps start with credentials.
  depends_on = [module.eks, module.controller_iam, module.db_backups]
}
