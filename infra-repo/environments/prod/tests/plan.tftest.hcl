# Plans and applies this root against mocked providers: no AWS account, no
# cluster, no credentials. Checks that the modules wire together and their
# expressions evaluate. Needs the providers downloaded (terraform init
# -backend=false), so it runs in the pull request workflow: terraform test.
# The registry modules (terraform-aws-modules/vpc 6.6.0, eks 21.19.0, eks-pod-identity 2.8.1)
# run against the same mocks: their data sources and resources get the defaults below or
# generated values. time (the eks module's time_sleep before the node groups) and tls are mocked
# so nothing waits or reaches the network.

mock_provider "helm" {}

mock_provider "time" {}

mock_provider "tls" {}

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333", arn = "arn:aws:sts::111122223333:assumed-role/ci/session" }
  }
  mock_data "aws_iam_session_context" {
    defaults = { issuer_arn = "arn:aws:iam::111122223333:role/ci" }
  }
  mock_data "aws_availability_zones" {
    defaults = { names = ["xx-test-1a", "xx-test-1b", "xx-test-1c"] }
  }
  mock_data "aws_region" {
    defaults = { region = "xx-test-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_iam_roles" {
    defaults = { arns = ["arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef"] }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_data "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
  }
  mock_data "aws_eks_addon_version" {
    defaults = { version = "v0.0.0-eksbuild.1" }
  }
  mock_data "aws_route53_zone" {
    defaults = { zone_id = "Z0000000000000", arn = "arn:aws:route53:::hostedzone/Z0000000000000" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111122223333:role/mock" }
  }
  mock_resource "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:xx-test-1:111122223333:key/mock" }
  }
  mock_resource "aws_ecr_repository" {
    defaults = { arn = "arn:aws:ecr:xx-test-1:111122223333:repository/mock", registry_id = "111122223333" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::mock" }
  }
  mock_resource "aws_eks_cluster" {
    defaults = {
      arn                   = "arn:aws:eks:xx-test-1:111122223333:cluster/mock"
      endpoint              = "https://mock.eks.invalid"
      certificate_authority = [{ data = "bW9jaw==" }]
    }
  }
  mock_resource "aws_acm_certificate" {
    defaults = {
      arn = "arn:aws:acm:xx-test-1:111122223333:certificate/mock"
      domain_validation_options = [
        { domain_name = "shop.example.com", resource_record_name = "_v.shop.example.com.", resource_record_type = "CNAME", resource_record_value = "_v.acm-validations.aws." },
        { domain_name = "*.shop.example.com", resource_record_name = "_v.shop.example.com.", resource_record_type = "CNAME", resource_record_value = "_v.acm-validations.aws." },
      ]
    }
  }
}

variables {
  region                        = "xx-test-1"
  github_org                    = "my-org"
  github_repo                   = "slipway"
  github_owner_id               = 123456
  github_repository_id          = 456789
  github_subject_format         = "immutable"
  create_github_oidc_provider   = false
  gitops_repo_url               = "https://github.com/my-org/slipway.git"
  hosted_zone_name              = "shop.example.com"
  domain_name                   = "shop.example.com"
  sso_admin_permission_set_name = "AdministratorAccess"
  endpoint_public_access_cidrs  = ["203.0.113.0/24"]
}

run "plan" {
  command = plan

  # GitHub's immutable subject, repo:OWNER@OWNER-ID/REPO@REPO-ID:<context> (GitHub Docs, "OpenID Connect
  # reference", "Immutable subject claims"): what a repository created after 2026-07-15 issues.
  assert {
    condition     = output.github_oidc_subject_prefix == "repo:my-org@123456/slipway@456789"
    error_message = "The roles trust the immutable subject prefix repo:my-org@123456/slipway@456789 (the repository's sub_claim_prefix)."
  }

  assert {
    condition     = module.github_oidc.trusted_subjects.prod_deploy == "repo:my-org@123456/slipway@456789:environment:production"
    error_message = "prod's deploy role trusts exactly repo:my-org@123456/slipway@456789:environment:production."
  }

  # The shop's NetworkPolicies admit the ALB from exactly these (gitops-repo services, loadBalancerCidrs).
  assert {
    condition     = jsonencode(output.load_balancer_cidrs) == jsonencode(["10.20.0.0/24", "10.20.1.0/24", "10.20.2.0/24"])
    error_message = "prod's public subnets moved: update networkPolicy.loadBalancerCidrs in gitops-repo/environments/prod/services/ with them."
  }

  assert {
    condition     = length(module.vpc.private_subnet_ids) == 3
    error_message = "prod spreads over three AZs."
  }

  assert {
    condition     = length(module.vpc.nat_public_ips) == 3
    error_message = "prod has one NAT gateway per AZ."
  }

  assert {
    condition     = module.argocd.gitops_source.path == "gitops-repo/environments/prod"
    error_message = "prod's root Application must track gitops-repo/environments/prod."
  }
}

run "apply" {
  command = apply

  assert {
    condition     = module.github_oidc.prod_deploy_role_arn != null && module.github_oidc.build_push_role_arn == null && module.github_oidc.dev_deploy_role_arn == null && module.github_oidc.preview_role_arn == null
    error_message = "prod has only the prod deploy role: images are built once, in dev."
  }

  # The deploy role joins the group that gitops-repo/apps/platform/namespaces/deploy-access.yaml binds
  # (read Applications in argocd, proxy to Prometheus) and gets no EKS access policy.
  assert {
    condition     = jsonencode(module.eks.access_entries["github-deploy"].kubernetes_groups) == jsonencode(["slipway-deploy-verifiers"]) && length(module.eks.access_entries["github-deploy"].policy_arns) == 0
    error_message = "prod's deploy role must be in the Kubernetes group slipway-deploy-verifiers only, with no EKS access policy (AmazonEKSEditPolicy in argocd controls Argo CD)."
  }

  assert {
    condition     = module.eks.access_entries["github-deploy"].principal_arn == module.github_oidc.prod_deploy_role_arn
    error_message = "The github-deploy access entry is prod's deploy role's."
  }

  assert {
    condition     = alltrue([for arn in [module.controller_iam.load_balancer_controller_role_arn, module.controller_iam.external_dns_role_arn, module.controller_iam.kyverno_role_arn, module.eks.cluster_autoscaler_role_arn, module.eks.ebs_csi_role_arn, module.db_backups.db_backups_role_arn] : arn != null])
    error_message = "Every controller has its Pod Identity role: load balancer controller, external-dns, Kyverno's admission controller, cluster autoscaler, EBS CSI driver, database backups."
  }

  assert {
    condition     = length(output.node_role_arns) == 1
    error_message = "prod's one node group has one node role, the one dev's ECR must trust when prod has its own account."
  }
}

run "refuses_an_api_open_to_the_internet" {
  command = plan

  variables {
    endpoint_public_access_cidrs = ["0.0.0.0/0"]
  }

  expect_failures = [var.endpoint_public_access_cidrs]
}

# A repository created before 2026-07-15 that did not opt in issues repo:OWNER/REPO:<context>, and the
# roles then trust that form only (never both: a recycled name would match the legacy form).
run "legacy_subject" {
  command = plan

  variables {
    github_subject_format = "legacy"
  }

  assert {
    condition     = output.github_oidc_subject_prefix == "repo:my-org/slipway" && module.github_oidc.trusted_subjects.prod_deploy == "repo:my-org/slipway:environment:production"
    error_message = "With github_subject_format = \"legacy\" the roles trust repo:my-org/slipway:<context> and nothing else."
  }
}
