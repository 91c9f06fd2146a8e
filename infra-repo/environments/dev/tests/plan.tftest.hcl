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
        { domain_name = "dev.shop.example.com", resource_record_name = "_v.dev.shop.example.com.", resource_record_type = "CNAME", resource_record_value = "_v.acm-validations.aws." },
        { domain_name = "*.dev.shop.example.com", resource_record_name = "_v.dev.shop.example.com.", resource_record_type = "CNAME", resource_record_value = "_v.acm-validations.aws." },
      ]
    }
  }
}

# Every repository of the mock gets the same ARN; the preview repositories get another, as in AWS,
# where the preview role's repositories (modules/github-oidc, preview_ecr_repository_arns) must be
# none of the release ones (the variable's validation refuses an overlap).
override_resource {
  target = module.ecr.aws_ecr_repository.preview
  values = { arn = "arn:aws:ecr:xx-test-1:111122223333:repository/slipway/preview/mock", registry_id = "111122223333" }
}

variables {
  region                        = "xx-test-1"
  github_org                    = "my-org"
  github_repo                   = "slipway"
  github_owner_id               = 123456
  github_repository_id          = 456789
  github_subject_format         = "immutable"
  gitops_repo_url               = "https://github.com/my-org/slipway.git"
  hosted_zone_name              = "shop.example.com"
  domain_name                   = "dev.shop.example.com"
  sso_admin_permission_set_name = "AdministratorAccess"
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
    condition     = module.github_oidc.trusted_subjects.dev_deploy == "repo:my-org@123456/slipway@456789:environment:dev"
    error_message = "dev's deploy role trusts exactly repo:my-org@123456/slipway@456789:environment:dev."
  }

  assert {
    condition     = module.github_oidc.trusted_subjects.build_push == "repo:my-org@123456/slipway@456789:ref:refs/heads/main" && module.github_oidc.trusted_subjects.preview == "repo:my-org@123456/slipway@456789:pull_request"
    error_message = "The build/push role trusts main and the preview role pull_request runs, in the immutable form."
  }

  # The shop's NetworkPolicies admit the ALB from exactly these (gitops-repo services, loadBalancerCidrs).
  assert {
    condition     = jsonencode(output.load_balancer_cidrs) == jsonencode(["10.10.0.0/24", "10.10.1.0/24"])
    error_message = "dev's public subnets moved: update networkPolicy.loadBalancerCidrs in gitops-repo/environments/dev/services/ with them."
  }

  assert {
    condition     = length(module.vpc.private_subnet_ids) == 2 && length(module.vpc.public_subnet_ids) == 2
    error_message = "dev spreads over two AZs."
  }

  assert {
    condition     = length(module.vpc.nat_public_ips) == 1
    error_message = "dev has a single NAT gateway."
  }

  assert {
    condition     = module.argocd.gitops_source.path == "gitops-repo/environments/dev"
    error_message = "dev's root Application must track gitops-repo/environments/dev."
  }
}

run "apply" {
  command = apply

  assert {
    condition     = length(keys(module.ecr.repository_urls)) == 4
    error_message = "dev owns one ECR repository per service."
  }

  # Previews run in dev: their images go to repositories of their own, one per service, none of them
  # a release repository (the preview role may push to these alone).
  assert {
    condition     = jsonencode(sort(keys(module.ecr.preview_repository_arns))) == jsonencode(sort(keys(module.ecr.repository_arns))) && alltrue([for arn in values(module.ecr.preview_repository_arns) : !contains(values(module.ecr.repository_arns), arn)])
    error_message = "dev owns one preview repository per service, none of them a release repository."
  }

  assert {
    condition     = jsonencode(keys(output.ecr_preview_repository_urls)) == jsonencode(keys(module.ecr.preview_repository_urls))
    error_message = "The output ecr_preview_repository_urls lists the preview repositories by service."
  }

  assert {
    condition     = module.github_oidc.build_push_role_arn != null && module.github_oidc.dev_deploy_role_arn != null && module.github_oidc.preview_role_arn != null && module.github_oidc.prod_deploy_role_arn == null
    error_message = "dev has the build/push, dev deploy and preview roles, and no prod deploy role."
  }

  assert {
    condition     = output.github_preview_role_arn == module.github_oidc.preview_role_arn
    error_message = "The output github_preview_role_arn (the pull-request workflow's AWS_PREVIEW_ROLE_ARN) is the preview role's ARN."
  }

  # The deploy role joins the group that gitops-repo/apps/platform/namespaces/deploy-access.yaml binds
  # (read Applications in argocd, proxy to Prometheus) and gets no EKS access policy.
  assert {
    condition     = jsonencode(module.eks.access_entries["github-deploy"].kubernetes_groups) == jsonencode(["slipway-deploy-verifiers"]) && length(module.eks.access_entries["github-deploy"].policy_arns) == 0
    error_message = "dev's deploy role must be in the Kubernetes group slipway-deploy-verifiers only, with no EKS access policy (AmazonEKSEditPolicy in argocd controls Argo CD)."
  }

  assert {
    condition     = module.eks.access_entries["github-deploy"].principal_arn == module.github_oidc.dev_deploy_role_arn
    error_message = "The github-deploy access entry is dev's deploy role's."
  }

  # The preview role joins the group gitops-repo/apps/platform/namespaces/deploy-access.yaml lets read
  # Applications in argocd, and nothing else.
  assert {
    condition     = jsonencode(module.eks.access_entries["github-preview"].kubernetes_groups) == jsonencode(["slipway-preview-readers"]) && length(module.eks.access_entries["github-preview"].policy_arns) == 0
    error_message = "dev's preview role must be in the Kubernetes group slipway-preview-readers only, with no EKS access policy."
  }

  assert {
    condition     = module.eks.access_entries["github-preview"].principal_arn == module.github_oidc.preview_role_arn
    error_message = "The github-preview access entry is the preview role's."
  }

  assert {
    condition     = alltrue([for arn in [module.controller_iam.load_balancer_controller_role_arn, module.controller_iam.external_dns_role_arn, module.controller_iam.kyverno_role_arn, module.eks.cluster_autoscaler_role_arn, module.eks.ebs_csi_role_arn, module.db_backups.db_backups_role_arn] : arn != null])
    error_message = "Every controller has its Pod Identity role: load balancer controller, external-dns, Kyverno's admission controller, cluster autoscaler, EBS CSI driver, database backups."
  }

  assert {
    condition     = length(module.eks.node_role_arns) == 1
    error_message = "dev's one node group has one node role."
  }
}

# A repository created before 2026-07-15 that did not opt in issues repo:OWNER/REPO:<context>, and the
# roles then trust that form only (never both: a recycled name would match the legacy form).
run "legacy_subject" {
  command = plan

  variables {
    github_subject_format = "legacy"
  }

  assert {
    condition     = output.github_oidc_subject_prefix == "repo:my-org/slipway" && module.github_oidc.trusted_subjects.dev_deploy == "repo:my-org/slipway:environment:dev"
    error_message = "With github_subject_format = \"legacy\" the roles trust repo:my-org/slipway:<context> and nothing else."
  }
}
