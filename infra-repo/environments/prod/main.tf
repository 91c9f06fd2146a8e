# prod: three AZs, a NAT gateway per AZ, bigger on-demand nodes, deletion
# protection, longer log and backup retention, HA Argo CD. No image registry:
# prod runs the digests built once and verified in dev (dev's ECR).

locals {
  environment = "prod"
  name        = "slipway-prod"
  tags        = { Project = "slipway", Environment = local.environment, ManagedBy = "terraform" }
}

module "vpc" {
  source = "../../modules/vpc"

  name               = local.name
  cidr               = "10.20.0.0/16"
  az_count           = 3
  nat_gateway_per_az = true
  cluster_name       = local.name
  tags               = local.tags
}

module "github_oidc" {
  source = "../../modules/github-oidc"

  github_org              = var.github_org
  github_repo             = var.github_repo
  github_owner_id         = var.github_owner_id
  github_repository_id    = var.github_repository_id
  github_subject_format   = var.github_subject_format
  name_prefix             = "slipway"
  create_oidc_provider    = var.create_github_oidc_provider
  create_prod_deploy_role = true
  cluster_name            = local.name
  tags                    = local.tags
}

module "eks" {
  source = "../../modules/eks"

  cluster_name                 = local.name
  vpc_id                       = module.vpc.vpc_id
  subnet_ids                   = module.vpc.private_subnet_ids
  endpoint_public_access       = true
  endpoint_public_access_cidrs = var.endpoint_public_access_cidrs
  deletion_protection          = true
  log_retention_days           = 90

  node_groups = {
    default = {
      instance_types = ["m6i.large"]
      capacity_type  = "ON_DEMAND"
      min_size       = 3
      max_size       = 9
      desired_size   = 3
      disk_size_gib  = 50
    }
  }

  sso_admin_permission_set_name = var.sso_admin_permission_set_name
  # The deploy role joins its Kubernetes group and gets no EKS access policy: none grants Argo CD's
  # Applications, and Edit in argocd would control Argo CD itself. The group's RBAC (read
  # Applications, proxy to Prometheus) is gitops-repo/apps/platform/namespaces/deploy-access.yaml.
  access_entries = {
    github-deploy = module.github_oidc.prod_deploy_access_entry
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
  backup_retention_days       = 35
  backup_bucket_force_destroy = false
  tags                        = local.tags
}

module "argocd" {
  source = "../../modules/argocd"

  environment       = local.environment
  gitops_repo_url   = var.gitops_repo_url
  gitops_path       = var.gitops_path
  high_availability = true
  prune             = false

  depends_on = [module.eks, module.controller_iam, module.db_backups]
}
