# EKS control plane, managed node groups, core add-ons and access entries from the registry
# module terraform-aws-modules/eks/aws, and the EKS Pod Identity roles of the EBS CSI driver
# and the Cluster Autoscaler from terraform-aws-modules/eks-pod-identity/aws (both pinned; their
# inputs are recorded in checks/upstream-inputs/). This wrapper keeps Slipway's inputs, outputs
# and choices (API-only access entries, Secrets encryption, NetworkPolicy enforcement); see README.md.

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

# The role behind the caller's (possibly assumed-role session) ARN.
data "aws_iam_session_context" "terraform" {
  arn = data.aws_caller_identity.current.arn
}

data "aws_iam_roles" "sso_admin" {
  count = var.sso_admin_permission_set_name == null ? 0 : 1

  name_regex  = "^AWSReservedSSO_${var.sso_admin_permission_set_name}_[0-9a-f]+$"
  path_prefix = "/aws-reserved/sso.amazonaws.com/"

  lifecycle {
    postcondition {
      condition     = length(self.arns) == 1
      error_message = "No single IAM role matches permission set \"${coalesce(var.sso_admin_permission_set_name, "-")}\" in this account (found ${length(self.arns)}). Assign the permission set to the account in IAM Identity Center, or set sso_admin_permission_set_name = null."
    }
  }
}

locals {
  access_policy_arn = "arn:${data.aws_partition.current.partition}:eks::aws:cluster-access-policy"
  managed_policy    = "arn:${data.aws_partition.current.partition}:iam::aws:policy"

  cluster_admin  = { admin = { policy_name = "AmazonEKSClusterAdminPolicy", namespaces = null } }
  sso_admin_arn  = var.sso_admin_permission_set_name == null ? null : one(data.aws_iam_roles.sso_admin[0].arns)
  terraform_role = data.aws_iam_session_context.terraform.issuer_arn

  # for-if filters rather than `cond ? {...} : {}`, whose branch types differ.
  sso_admin_entries = {
    for k, v in { sso-admin = { principal_arn = local.sso_admin_arn, kubernetes_groups = null, policy_associations = local.cluster_admin } } :
    k => v if var.sso_admin_permission_set_name != null
  }
  # An access entry per principal: no second entry when Terraform runs as the SSO admin role
  # (so upstream's enable_cluster_creator_admin_permissions stays off).
  terraform_caller_entries = {
    for k, v in { terraform-caller = { principal_arn = local.terraform_role, kubernetes_groups = null, policy_associations = local.cluster_admin } } :
    k => v if var.terraform_caller_admin && local.terraform_role != local.sso_admin_arn
  }

  # Our access_entries shape (policy_name, namespaces) in upstream's (policy_arn, access_scope); the
  # Kubernetes groups as they are (upstream v21.19.0 variables.tf, access_entries:
  # kubernetes_groups = optional(list(string)), set on aws_eks_access_entry.this in main.tf).
  access_entries = {
    for key, entry in merge(local.sso_admin_entries, local.terraform_caller_entries, var.access_entries) : key => {
      principal_arn     = entry.principal_arn
      kubernetes_groups = entry.kubernetes_groups
      policy_associations = {
        for name, association in entry.policy_associations : name => {
          policy_arn   = "${local.access_policy_arn}/${association.policy_name}"
          access_scope = { type = association.namespaces == null ? "cluster" : "namespace", namespaces = association.namespaces }
        }
      }
    }
  }

  # The EBS CSI driver's service account, fixed by the EKS add-on (kube-system/ebs-csi-controller-sa:
  # AWS EKS user guide, "Amazon EBS CSI driver" add-on page).
  ebs_csi_service_account = "ebs-csi-controller-sa"
  # The Cluster Autoscaler's: gitops-repo/apps/platform/cluster-autoscaler/values.yaml sets
  # rbac.serviceAccount.name; its Application installs into kube-system.
  cluster_autoscaler_service_account = { namespace = "kube-system", name = "cluster-autoscaler" }

  # Add-ons with upstream's per-add-on settings. vpc-cni and eks-pod-identity-agent are installed
  # before the node groups (upstream's before_compute), or nodes never become Ready and pods get no
  # credentials. The VPC CNI enforces NetworkPolicies only when asked to (enableNetworkPolicy, AWS EKS
  # user guide "Configure your cluster for Kubernetes network policies"); without it the GitOps tree's
  # default-deny policies are accepted and silently ignored. No default StorageClass is set through
  # the EBS CSI add-on: gitops-repo declares the default gp3 class.
  addon_settings = {
    vpc-cni = {
      before_compute       = true
      configuration_values = jsonencode({ enableNetworkPolicy = "true" })
    }
    eks-pod-identity-agent = { before_compute = true }
    aws-ebs-csi-driver = {
      pod_identity_association = [{ role_arn = module.ebs_csi_pod_identity.iam_role_arn, service_account = local.ebs_csi_service_account }]
    }
  }
  addons = {
    for name, version in var.addon_versions : name => merge({
      addon_version = version
      # null version: the add-on's default version for the cluster's Kubernetes version, not the newest.
      most_recent                 = false
      resolve_conflicts_on_create = "OVERWRITE"
      resolve_conflicts_on_update = "PRESERVE"
    }, lookup(local.addon_settings, name, {}))
  }
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "21.19.0"

  name                = var.cluster_name
  kubernetes_version  = var.kubernetes_version
  deletion_protection = var.deletion_protection
  enabled_log_types   = var.cluster_log_types
  authentication_mode = "API"
  # STANDARD avoids the extended-support surcharge; upgrade before end of standard support.
  upgrade_policy = { support_type = "STANDARD" }
  vpc_id         = var.vpc_id
  subnet_ids     = var.subnet_ids

  endpoint_private_access      = true
  endpoint_public_access       = var.endpoint_public_access
  endpoint_public_access_cidrs = var.endpoint_public_access ? var.endpoint_public_access_cidrs : []

  # Every workload role uses EKS Pod Identity: no IRSA OpenID Connect provider.
  enable_irsa = false

  # Secrets are envelope-encrypted with a KMS key upstream creates (rotated, 30-day deletion window);
  # the log group is created first so Terraform owns its retention.
  create_kms_key                         = true
  enable_kms_key_rotation                = true
  kms_key_deletion_window_in_days        = 30
  create_cloudwatch_log_group            = true
  cloudwatch_log_group_retention_in_days = var.log_retention_days

  # Admins are explicit access entries, visible and revocable in code.
  enable_cluster_creator_admin_permissions = false
  access_entries                           = local.access_entries

  addons = local.addons

  # Nodes use upstream's node security group only (tagged kubernetes.io/cluster/<name>): the AWS Load
  # Balancer Controller needs exactly one tagged security group on a target's ENI to open it to the ALB.
  eks_managed_node_groups = {
    for name, group in var.node_groups : name => {
      ami_type       = "AL2023_x86_64_STANDARD"
      instance_types = group.instance_types
      capacity_type  = group.capacity_type
      min_size       = group.min_size
      max_size       = group.max_size
      desired_size   = group.desired_size # upstream ignores later changes: the Cluster Autoscaler owns it
      labels         = group.labels
      update_config  = { max_unavailable = 1 }
      iam_role_name  = "${var.cluster_name}-${name}-node"
      iam_role_additional_policies = {
        AmazonSSMManagedInstanceCore = "${local.managed_policy}/AmazonSSMManagedInstanceCore"
      }
      # Upstream's launch template sets the disk (the node group's disk_size applies without one).
      block_device_mappings = {
        xvda = {
          device_name = "/dev/xvda"
          ebs         = { volume_size = group.disk_size_gib, volume_type = "gp3", encrypted = true, delete_on_termination = true }
        }
      }
    }
  }

  tags = var.tags
}

# ---------------------------------------------------------------- EKS Pod Identity roles
# A role trusted by pods.eks.amazonaws.com (from this account only), with the module's maintained
# policy, associated with one namespace/service account.

module "ebs_csi_pod_identity" {
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "2.8.1"

  name               = "${var.cluster_name}-ebs-csi"
  use_name_prefix    = false
  policy_name_prefix = "${var.cluster_name}-"
  description        = "EBS CSI driver (EKS add-on) of ${var.cluster_name}"

  trust_policy_conditions = [{ test = "StringEquals", variable = "aws:SourceAccount", values = [data.aws_caller_identity.current.account_id] }]

  # No aws_ebs_csi_kms_arns: volumes are encrypted with the account's AWS-managed EBS key. A StorageClass
  # naming a customer key (kmsKeyId) needs that key's ARN here.
  attach_aws_ebs_csi_policy = true

  # The association is made by the add-on itself (addons.aws-ebs-csi-driver.pod_identity_association).
  tags = var.tags
}

module "cluster_autoscaler_pod_identity" {
  source  = "terraform-aws-modules/eks-pod-identity/aws"
  version = "2.8.1"

  name               = "${var.cluster_name}-cluster-autoscaler"
  use_name_prefix    = false
  policy_name_prefix = "${var.cluster_name}-"
  description        = "Cluster Autoscaler of ${var.cluster_name}"

  trust_policy_conditions = [{ test = "StringEquals", variable = "aws:SourceAccount", values = [data.aws_caller_identity.current.account_id] }]

  # Resizes only Auto Scaling groups tagged kubernetes.io/cluster/<cluster> = owned, which EKS puts
  # on the groups of managed node groups.
  attach_cluster_autoscaler_policy = true
  cluster_autoscaler_cluster_names = [var.cluster_name]

  associations = {
    cluster-autoscaler = {
      cluster_name    = module.eks.cluster_name
      namespace       = local.cluster_autoscaler_service_account.namespace
      service_account = local.cluster_autoscaler_service_account.name
    }
  }

  tags = var.tags
}
