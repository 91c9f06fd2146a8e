# EKS Pod Identity roles of the controllers Argo CD installs that call AWS for the shop: the AWS Load
# Balancer Controller and external-dns (its traffic), Kyverno's admission controller (its images'
# attestations in ECR). One call per controller of the registry module
# terraform-aws-modules/eks-pod-identity/aws (pinned; inputs recorded in checks/upstream-inputs/),
# with the module's maintained policy, trusted only from this account, associated with the
# controller's namespace/service account. The Cluster Autoscaler's and the EBS CSI driver's roles
# are in modules/eks, next to the node groups and the add-on they serve.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  trust_this_account = [{ test = "StringEquals", variable = "aws:SourceAccount", values = [data.aws_caller_identity.current.account_id] }]
}

# The module's attach_aws_lb_controller_policy at 2.8.1 is the controller's docs/install/iam_policy.json
# (kubernetes-sigs/aws-load-balancer-controller, unchanged from v2.13.0 through v3.5.0, so it matches
# chart 3.4.0 / controller v3.4.0 that gitops-repo pins) plus wafv2:ListWebACLs: ingress rules on the
# untagged node/cluster security groups, tagging of listeners and listener rules, SetRulePriorities.
module "load_balancer_controller_pod_identity" {
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "2.8.1"

  name               = "${var.name}-aws-load-balancer-controller"
  use_name_prefix    = false
  policy_name_prefix = "${var.name}-"
  description        = "AWS Load Balancer Controller of ${var.cluster_name}"

  trust_policy_conditions = local.trust_this_account

  attach_aws_lb_controller_policy = true

  associations = {
    controller = {
      cluster_name    = var.cluster_name
      namespace       = var.load_balancer_controller_service_account.namespace
      service_account = var.load_balancer_controller_service_account.name
    }
  }

  tags = var.tags
}

# Changes records only in the environment's hosted zone; lists zones and records everywhere (the
# module's attach_external_dns_policy, after external-dns docs/tutorials/aws.md).
module "external_dns_pod_identity" {
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "2.8.1"

  name               = "${var.name}-external-dns"
  use_name_prefix    = false
  policy_name_prefix = "${var.name}-"
  description        = "external-dns of ${var.cluster_name}"

  trust_policy_conditions = local.trust_this_account

  attach_external_dns_policy    = true
  external_dns_hosted_zone_arns = [var.hosted_zone_arn]

  associations = {
    controller = {
      cluster_name    = var.cluster_name
      namespace       = var.external_dns_service_account.namespace
      service_account = var.external_dns_service_account.name
    }
  }

  tags = var.tags
}

# Kyverno's admission controller reads each shop image's Sigstore bundle (an OCI referrer of the image)
# from ECR to verify its build provenance, with its registry client's amazon credential helper
# (kyverno chart 3.9.0 values.yaml, features.registryClient.credentialHelpers). eks-pod-identity 2.8.1
# has no maintained ECR switch (its attach_* variables cover controllers, not registry readers), so the
# role gets AWS's managed AmazonEC2ContainerRegistryReadOnly through the module's additional_policy_arns
# (variables.tf: map(string), attached by aws_iam_role_policy_attachment.this in main.tf). Its v3
# (AWS Managed Policy Reference) is read-only: ecr:GetAuthorizationToken, BatchGetImage,
# GetDownloadUrlForLayer, ListImages, DescribeImages and the like, no write; listing an image's
# referrers needs ecr:BatchGetImage (ECR API Reference, ListImageReferrers). With prod in its own account, list this role in dev's
# ecr_pull_principal_arns (prod output kyverno_role_arn) as well as the node roles.
module "kyverno_pod_identity" {
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "2.8.1"

  name               = "${var.name}-kyverno"
  use_name_prefix    = false
  policy_name_prefix = "${var.name}-"
  description        = "Kyverno admission controller of ${var.cluster_name}: reads image attestations from ECR"

  trust_policy_conditions = local.trust_this_account

  additional_policy_arns = {
    AmazonEC2ContainerRegistryReadOnly = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"
  }

  associations = {
    admission-controller = {
      cluster_name    = var.cluster_name
      namespace       = var.kyverno_service_account.namespace
      service_account = var.kyverno_service_account.name
    }
  }

  tags = var.tags
}
