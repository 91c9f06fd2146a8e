# EKS control plane, managed node groups, core add-ons, EKS Pod Identity and
# access entries. Cluster autoscaling is the Cluster Autoscaler (installed by
# Argo CD from gitops-repo) with the Pod Identity role made here; see README.md.

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

# The role behind the caller's (possibly assumed-role session) ARN.
data "aws_iam_session_context" "terraform" {
  arn = data.aws_caller_identity.current.arn
}

locals {
  partition         = data.aws_partition.current.partition
  managed_policy    = "arn:${local.partition}:iam::aws:policy"
  access_policy_arn = "arn:${local.partition}:eks::aws:cluster-access-policy"

  cluster_admin  = { admin = { policy_name = "AmazonEKSClusterAdminPolicy", namespaces = null } }
  sso_admin_arn  = var.sso_admin_permission_set_name == null ? null : one(data.aws_iam_roles.sso_admin[0].arns)
  terraform_role = data.aws_iam_session_context.terraform.issuer_arn

  # for-if filters rather than `cond ? {...} : {}`, whose branch types differ.
  sso_admin_entries = {
    for k, v in { sso-admin = { principal_arn = local.sso_admin_arn, policy_associations = local.cluster_admin } } :
    k => v if var.sso_admin_permission_set_name != null
  }
  # An access entry per principal: no second entry when Terraform runs as the SSO admin role.
  terraform_caller_entries = {
    for k, v in { terraform-caller = { principal_arn = local.terraform_role, policy_associations = local.cluster_admin } } :
    k => v if var.terraform_caller_admin && local.terraform_role != local.sso_admin_arn
  }
  access_entries = merge(local.sso_admin_entries, local.terraform_caller_entries, var.access_entries)

  access_policy_associations = merge([
    for entry_key, entry in local.access_entries : {
      for assoc_key, assoc in entry.policy_associations : "${entry_key}/${assoc_key}" => {
        entry_key  = entry_key
        policy_arn = "${local.access_policy_arn}/${assoc.policy_name}"
        namespaces = assoc.namespaces
      }
    }
  ]...)
}

# ---------------------------------------------------------------- control plane

data "aws_iam_policy_document" "cluster_trust" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cluster" {
  name               = "${var.cluster_name}-cluster"
  assume_role_policy = data.aws_iam_policy_document.cluster_trust.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "${local.managed_policy}/AmazonEKSClusterPolicy"
}

resource "aws_kms_key" "secrets" {
  description             = "Envelope encryption of Kubernetes Secrets in ${var.cluster_name}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = var.tags
}

resource "aws_kms_alias" "secrets" {
  name          = "alias/${var.cluster_name}-secrets"
  target_key_id = aws_kms_key.secrets.key_id
}

resource "aws_cloudwatch_log_group" "cluster" {
  # EKS writes to this exact name; creating it first lets Terraform own its retention.
  name              = "/aws/eks/${var.cluster_name}/cluster"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_eks_cluster" "this" {
  name                      = var.cluster_name
  version                   = var.kubernetes_version
  role_arn                  = aws_iam_role.cluster.arn
  deletion_protection       = var.deletion_protection
  enabled_cluster_log_types = var.cluster_log_types

  access_config {
    authentication_mode = "API"
    # Admins are explicit access entries below, visible and revocable in code.
    bootstrap_cluster_creator_admin_permissions = false
  }

  vpc_config {
    subnet_ids              = var.subnet_ids
    endpoint_private_access = true
    endpoint_public_access  = var.endpoint_public_access
    public_access_cidrs     = var.endpoint_public_access ? var.endpoint_public_access_cidrs : null
  }

  encryption_config {
    resources = ["secrets"]

    provider {
      key_arn = aws_kms_key.secrets.arn
    }
  }

  upgrade_policy {
    # STANDARD avoids the extended-support surcharge; upgrade before end of standard support.
    support_type = "STANDARD"
  }

  tags = var.tags

  depends_on = [
    aws_iam_role_policy_attachment.cluster,
    aws_cloudwatch_log_group.cluster,
  ]
}

# ---------------------------------------------------------------- nodes

data "aws_iam_policy_document" "node_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "node" {
  name               = "${var.cluster_name}-node"
  assume_role_policy = data.aws_iam_policy_document.node_trust.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset([
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryPullOnly",
    "AmazonSSMManagedInstanceCore",
  ])

  role       = aws_iam_role.node.name
  policy_arn = "${local.managed_policy}/${each.value}"
}

resource "aws_eks_node_group" "this" {
  for_each = var.node_groups

  cluster_name    = aws_eks_cluster.this.name
  node_group_name = each.key
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = var.subnet_ids
  ami_type        = "AL2023_x86_64_STANDARD"
  instance_types  = each.value.instance_types
  capacity_type   = each.value.capacity_type
  disk_size       = each.value.disk_size_gib
  labels          = each.value.labels

  scaling_config {
    min_size     = each.value.min_size
    max_size     = each.value.max_size
    desired_size = each.value.desired_size
  }

  update_config {
    max_unavailable = 1
  }

  tags = var.tags

  # The Cluster Autoscaler owns desired_size once the cluster runs.
  lifecycle {
    ignore_changes = [scaling_config[0].desired_size]
  }

  depends_on = [aws_iam_role_policy_attachment.node]
}

# ---------------------------------------------------------------- add-ons

resource "aws_eks_addon" "this" {
  for_each = var.addon_versions

  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = each.key
  addon_version               = each.value
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "PRESERVE"

  # The VPC CNI enforces NetworkPolicies only when asked to; without this the GitOps tree's
  # default-deny and per-service policies would be accepted and silently ignored.
  configuration_values = each.key == "vpc-cni" ? jsonencode({ enableNetworkPolicy = "true" }) : null

  tags = var.tags

  # CoreDNS and the EBS CSI controller need nodes to become healthy; the EBS CSI
  # controller needs its Pod Identity association before its pods start.
  depends_on = [aws_eks_node_group.this, aws_eks_pod_identity_association.ebs_csi]
}

# ---------------------------------------------------------------- EKS Pod Identity roles
# Pods get AWS credentials through the eks-pod-identity-agent add-on: a role
# trusted by pods.eks.amazonaws.com, associated with one namespace/service account.

data "aws_iam_policy_document" "pod_identity_trust" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "Service"
      identifiers = ["pods.eks.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "ebs_csi" {
  name               = "${var.cluster_name}-ebs-csi"
  assume_role_policy = data.aws_iam_policy_document.pod_identity_trust.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "ebs_csi" {
  role       = aws_iam_role.ebs_csi.name
  policy_arn = "${local.managed_policy}/service-role/AmazonEBSCSIDriverPolicy"
}

resource "aws_eks_pod_identity_association" "ebs_csi" {
  cluster_name    = aws_eks_cluster.this.name
  namespace       = "kube-system"
  service_account = "ebs-csi-controller-sa"
  role_arn        = aws_iam_role.ebs_csi.arn
  tags            = var.tags
}

resource "aws_iam_role" "cluster_autoscaler" {
  name               = "${var.cluster_name}-cluster-autoscaler"
  assume_role_policy = data.aws_iam_policy_document.pod_identity_trust.json
  tags               = var.tags
}

data "aws_iam_policy_document" "cluster_autoscaler" {
  statement {
    sid = "Discover"
    actions = [
      "autoscaling:DescribeAutoScalingGroups",
      "autoscaling:DescribeAutoScalingInstances",
      "autoscaling:DescribeLaunchConfigurations",
      "autoscaling:DescribeScalingActivities",
      "autoscaling:DescribeTags",
      "ec2:DescribeImages",
      "ec2:DescribeInstanceTypes",
      "ec2:DescribeLaunchTemplateVersions",
      "ec2:GetInstanceTypesFromInstanceRequirements",
      "eks:DescribeNodegroup",
    ]
    resources = ["*"]
  }

  # Managed node groups tag their Auto Scaling groups with the cluster name;
  # only those groups may be resized.
  statement {
    sid = "ScaleOwnNodeGroups"
    actions = [
      "autoscaling:SetDesiredCapacity",
      "autoscaling:TerminateInstanceInAutoScalingGroup",
    ]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/k8s.io/cluster-autoscaler/${var.cluster_name}"
      values   = ["owned"]
    }
  }
}

resource "aws_iam_role_policy" "cluster_autoscaler" {
  name   = "cluster-autoscaler"
  role   = aws_iam_role.cluster_autoscaler.id
  policy = data.aws_iam_policy_document.cluster_autoscaler.json
}

resource "aws_eks_pod_identity_association" "cluster_autoscaler" {
  cluster_name    = aws_eks_cluster.this.name
  namespace       = "kube-system"
  service_account = "cluster-autoscaler"
  role_arn        = aws_iam_role.cluster_autoscaler.arn
  tags            = var.tags
}

# ---------------------------------------------------------------- access entries

data "aws_iam_roles" "sso_admin" {
  count = var.sso_admin_permission_set_name == null ? 0 : 1

  name_regex  = "^AWSReservedSSO_${var.sso_admin_permission_set_name}_[0-9a-f]+$"
  path_prefix = "/aws-reserved/sso.amazonaws.com/"
}

resource "aws_eks_access_entry" "this" {
  for_each = local.access_entries

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = each.value.principal_arn
  type          = "STANDARD"
  tags          = var.tags

  lifecycle {
    precondition {
      condition     = each.value.principal_arn != null
      error_message = "Access entry ${each.key} has no principal: for sso-admin no IAM role matches permission set \"${coalesce(var.sso_admin_permission_set_name, "-")}\" in this account. Assign the permission set to the account in IAM Identity Center, or set sso_admin_permission_set_name = null."
    }
  }
}

resource "aws_eks_access_policy_association" "this" {
  for_each = local.access_policy_associations

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = aws_eks_access_entry.this[each.value.entry_key].principal_arn
  policy_arn    = each.value.policy_arn

  access_scope {
    type       = each.value.namespaces == null ? "cluster" : "namespace"
    namespaces = each.value.namespaces
  }
}
