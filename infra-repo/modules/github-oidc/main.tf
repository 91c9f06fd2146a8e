# GitHub Actions reach AWS with OIDC: a workflow with `permissions: id-token: write`
# gets a token signed by GitHub and exchanges it for a role's short-lived
# credentials (aws-actions/configure-aws-credentials). No access keys exist.
# Every trust policy pins the audience and the exact `sub` claim of the repository, in the one form
# the repository issues (subjects.tf).

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  oidc_host   = "token.actions.githubusercontent.com"
  oidc_url    = "https://${local.oidc_host}"
  oidc_arn    = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : data.aws_iam_openid_connect_provider.github[0].arn
  repository  = "${var.github_org}/${var.github_repo}"
  cluster_arn = "arn:${data.aws_partition.current.partition}:eks:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:cluster/${var.cluster_name}"

  # What the build/push and preview roles may do in their repositories, each in its own: the six
  # actions of AWS ECR User Guide, "IAM permissions for pushing an image to an Amazon ECR private
  # repository" (BatchCheckLayerAvailability, BatchGetImage, CompleteLayerUpload,
  # InitiateLayerUpload, PutImage, UploadLayerPart), and GetDownloadUrlForLayer to pull a layer (AWS
  # Service Authorization Reference, "Actions, resources, and condition keys for Amazon Elastic
  # Container Registry": all seven take the `repository` resource type).
  ecr_push_actions = [
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:CompleteLayerUpload",
    "ecr:GetDownloadUrlForLayer",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
  ]
}

# AWS validates GitHub's certificate against its own trusted CAs, so no
# thumbprint is pinned (a stale thumbprint was the classic outage).
resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url            = local.oidc_url
  client_id_list = ["sts.amazonaws.com"]
  tags           = var.tags
}

data "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 0 : 1

  url = local.oidc_url
}

# ---------------------------------------------------------------- build/push
# Only pushes from main: the release images come from main alone, to the release repositories
# (ecr_repository_arns). A labelled pull request's preview job pushes its images to the preview
# repositories with the preview role below; this role gets no access to those.

data "aws_iam_policy_document" "build_push_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = [local.oidc_subjects.build_push]
    }
  }
}

resource "aws_iam_role" "build_push" {
  count = var.create_build_role ? 1 : 0

  name                 = "${var.name_prefix}-github-build-push"
  description          = "GitHub Actions in ${local.repository}: push service images to ECR"
  assume_role_policy   = data.aws_iam_policy_document.build_push_trust.json
  max_session_duration = 3600
  tags                 = var.tags

  lifecycle {
    precondition {
      condition     = length(var.ecr_repository_arns) > 0
      error_message = "create_build_role = true needs ecr_repository_arns (pass module.ecr's repository_arns values)."
    }
  }
}

data "aws_iam_policy_document" "build_push" {
  count = var.create_build_role ? 1 : 0

  statement {
    sid       = "Login"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  # Push and pull (local.ecr_push_actions). Everything the build job does in ECR goes through the
  # registry API with these: the build (buildx/buildah push), the digest read back and reuse-existing
  # (skopeo inspect --raw: BatchGetImage), Trivy's scan and SBOM (a pull), and the attestations pushed
  # beside the images (referrers: BatchGetImage). Nothing calls the ECR API's DescribeImages or
  # DescribeImageScanFindings (no aws ecr call in any workflow, no ECR SDK in actions/), so the role
  # does not have them: least privilege.
  statement {
    sid       = "PushAndReadServiceImages"
    actions   = local.ecr_push_actions
    resources = var.ecr_repository_arns
  }
}

resource "aws_iam_role_policy" "build_push" {
  count = var.create_build_role ? 1 : 0

  name   = "ecr-push"
  role   = aws_iam_role.build_push[0].id
  policy = data.aws_iam_policy_document.build_push[0].json
}

# ---------------------------------------------------------------- deploy (verify) roles
# Promotion itself is a git commit to the GitOps repo; AWS access is only needed
# to verify the rollout on the cluster (Argo CD status, Prometheus SLOs). Inside the
# cluster the roles get exactly that, through a Kubernetes group (see "cluster access").

data "aws_iam_policy_document" "dev_deploy_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }

    # Only a job bound to the `dev` environment (whose deployment branches are main only): a job of
    # any workflow on main without an environment cannot assume it.
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = [local.oidc_subjects.dev_deploy]
    }
  }
}

# The only trusted subject is a job bound to the `production` environment:
# no branch, tag or pull request can assume this role.
data "aws_iam_policy_document" "prod_deploy_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = [local.oidc_subjects.prod_deploy]
    }
  }
}

# eks:DescribeCluster on the one cluster is what `aws eks update-kubeconfig` needs (AWS EKS User
# Guide, "Connect kubectl to an EKS cluster by creating a kubeconfig file", prerequisites: permission
# to use the eks:DescribeCluster API action for the cluster); the API server itself admits the role
# through its access entry (cluster access, below). The preview role's Kubeconfig statement is the same.
data "aws_iam_policy_document" "deploy" {
  statement {
    sid       = "Kubeconfig"
    actions   = ["eks:DescribeCluster"]
    resources = [local.cluster_arn]
  }
}

resource "aws_iam_role" "dev_deploy" {
  count = var.create_dev_deploy_role ? 1 : 0

  name                 = "${var.name_prefix}-github-deploy-dev"
  description          = "GitHub Actions in ${local.repository}: verify dev rollouts on ${var.cluster_name}"
  assume_role_policy   = data.aws_iam_policy_document.dev_deploy_trust.json
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy" "dev_deploy" {
  count = var.create_dev_deploy_role ? 1 : 0

  name   = "eks-describe"
  role   = aws_iam_role.dev_deploy[0].id
  policy = data.aws_iam_policy_document.deploy.json
}

resource "aws_iam_role" "prod_deploy" {
  count = var.create_prod_deploy_role ? 1 : 0

  name                 = "${var.name_prefix}-github-deploy-prod"
  description          = "GitHub Actions in ${local.repository}, environment production only: verify prod rollouts on ${var.cluster_name}"
  assume_role_policy   = data.aws_iam_policy_document.prod_deploy_trust.json
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy" "prod_deploy" {
  count = var.create_prod_deploy_role ? 1 : 0

  name   = "eks-describe"
  role   = aws_iam_role.prod_deploy[0].id
  policy = data.aws_iam_policy_document.deploy.json
}

# ---------------------------------------------------------------- preview (pull requests)
# The pull-request workflow's `preview` job (.github/workflows/pull-request.yml) pushes a labelled pull
# request's images, tagged pr-<number>-<head sha>, to the preview repositories (modules/ecr,
# <prefix>/preview/<service>: preview_ecr_repository_arns) and waits until the
# dev cluster's Argo CD Application preview-pr-<number> is Synced and Healthy. This role is what it
# assumes (GitHub variable AWS_PREVIEW_ROLE_ARN); dev only.
#
# Trusted subject: the default `sub` of a job run for a pull_request event that references no
# environment is repo:<repository>:pull_request, <repository> in the form the repository issues
# (subjects.tf; GitHub Docs, "OpenID Connect reference", Example subject claims, "Filtering for
# pull_request events"; github/docs content/actions/reference/security/oidc.md). Only pull_request: a push to a branch, a tag or a
# job bound to an environment has another subject. A pull request from a fork never gets a token
# at all: a fork's run cannot be granted a write permission such as `id-token: write` (GitHub Docs,
# "Workflow syntax", "Changing the permissions in a forked repository"; keep "Send write tokens to
# workflows from pull requests" off for private repositories), and the job itself runs only for
# pull requests whose head is in this repository.

data "aws_iam_policy_document" "preview_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = [local.oidc_subjects.preview]
    }
  }
}

resource "aws_iam_role" "preview" {
  count = var.create_preview_role ? 1 : 0

  name                 = "${var.name_prefix}-github-preview"
  description          = "GitHub Actions in ${local.repository}, pull_request events: push preview images to the preview repositories, read the preview Applications on ${var.cluster_name}"
  assume_role_policy   = data.aws_iam_policy_document.preview_trust.json
  max_session_duration = 3600
  tags                 = var.tags

  lifecycle {
    precondition {
      condition     = length(var.preview_ecr_repository_arns) > 0
      error_message = "create_preview_role = true needs preview_ecr_repository_arns (pass module.ecr's preview_repository_arns values, with create_preview_repositories = true there)."
    }
  }
}

# The preview role may push to the preview repositories only, never to a release repository: IAM
# cannot narrow ECR's image actions to tags (the finest resource type is `repository`, and ECR's
# condition keys are the repository's resource tags, never the image tag being pushed: AWS Service
# Authorization Reference, "Actions, resources, and condition keys for Amazon Elastic Container
# Registry"), so the repositories are what keeps preview images apart. A pull request that edits its
# own workflow can therefore push nothing but preview images, and cannot take a release tag
# (sha-<short sha> of a commit not released yet) in a release repository before that release's push.
# The preview repositories' tags are immutable too, and modules/ecr expires their images.
data "aws_iam_policy_document" "preview" {
  count = var.create_preview_role ? 1 : 0

  statement {
    sid       = "Login"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  # Push and pull (local.ecr_push_actions, as the build/push role): the job looks an image up before
  # building it (docker manifest inspect reads it with BatchGetImage).
  statement {
    sid       = "PushAndPullPreviewImages"
    actions   = local.ecr_push_actions
    resources = var.preview_ecr_repository_arns
  }

  statement {
    sid       = "Kubeconfig"
    actions   = ["eks:DescribeCluster"]
    resources = [local.cluster_arn]
  }
}

resource "aws_iam_role_policy" "preview" {
  count = var.create_preview_role ? 1 : 0

  name   = "ecr-push-pr-eks-describe"
  role   = aws_iam_role.preview[0].id
  policy = data.aws_iam_policy_document.preview[0].json
}

# ---------------------------------------------------------------- cluster access
# What verification does in the cluster, and nothing else: read Argo CD Applications in the Argo CD
# namespace, and GET Prometheus through the API server's service proxy. No EKS access policy fits:
# AmazonEKSViewPolicy and AmazonEKSEditPolicy grant no argoproj.io resource, and Edit in the Argo CD
# namespace would control Argo CD itself (its secrets, config maps and workloads) — AWS EKS User
# Guide, "Review access policy permissions". So the access entry only names a Kubernetes group, and
# gitops-repo/apps/platform/namespaces/deploy-access.yaml binds that group (Argo CD syncs it with the
# namespaces; infra-repo/test/deploy-access.test.ts checks both trees name the same group).
# The entries' fields are modules/eks's access_entries (principal_arn, kubernetes_groups,
# policy_associations), which it hands to terraform-aws-modules/eks v21.19.0 (variables.tf,
# access_entries: kubernetes_groups = optional(list(string)), policy_associations defaulting to {}).

locals {
  deploy_access = {
    kubernetes_groups   = [var.deploy_kubernetes_group]
    policy_associations = {}
  }
}

# The preview role reads Argo CD Applications in argocd and nothing else: its own group, bound by
# gitops-repo/apps/platform/namespaces/deploy-access.yaml to get, list and watch on
# applications.argoproj.io in argocd. No patch: the preview job's verify step does not ask Argo CD
# to refresh (the ApplicationSet rewrites preview-pr-<number> when the pull request's head moves, and
# Argo CD reconciles a changed Application at once), and RBAC resourceNames cannot match
# preview-pr-* by pattern anyway.
locals {
  preview_access = {
    kubernetes_groups   = [var.preview_kubernetes_group]
    policy_associations = {}
  }
}
