variable "cluster_name" {
  description = "Name of the EKS cluster, e.g. slipway-dev."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,99}$", var.cluster_name))
    error_message = "cluster_name must start with a letter and hold only letters, digits and hyphens (at most 100 characters)."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane, e.g. 1.34. Raise it one minor version at a time."
  type        = string
  default     = "1.34"

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "kubernetes_version must be a Kubernetes minor version such as 1.34."
  }
}

variable "vpc_id" {
  description = "ID of the VPC the cluster and node security groups are created in (modules/vpc output vpc_id)."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnet IDs for the control plane network interfaces and the nodes, in at least two AZs."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids must list at least two subnets in different AZs (EKS requires two AZs)."
  }
}

variable "endpoint_public_access" {
  description = "Whether the Kubernetes API is reachable from the internet (restricted by endpoint_public_access_cidrs). false makes the endpoint private-only: apply and kubectl then need a network path into the VPC (VPN, bastion, SSM)."
  type        = bool
  default     = true
}

variable "endpoint_public_access_cidrs" {
  description = "CIDR blocks allowed to reach the public API endpoint when endpoint_public_access is true. Narrow this to your office/VPN ranges."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for c in var.endpoint_public_access_cidrs : can(cidrhost(c, 0))])
    error_message = "endpoint_public_access_cidrs must hold valid IPv4 CIDR blocks."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the cluster until this is turned off (prod: true)."
  type        = bool
  default     = false
}

variable "cluster_log_types" {
  description = "Control plane log types sent to CloudWatch Logs."
  type        = list(string)
  default     = ["api", "audit", "authenticator"]

  validation {
    condition     = alltrue([for t in var.cluster_log_types : contains(["api", "audit", "authenticator", "controllerManager", "scheduler"], t)])
    error_message = "cluster_log_types may only contain api, audit, authenticator, controllerManager and scheduler."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps control plane logs."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention period CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)."
  }
}

variable "node_groups" {
  description = "Managed node groups by name. The Cluster Autoscaler moves desired_size between min_size and max_size."
  type = map(object({
    instance_types = list(string)
    capacity_type  = optional(string, "ON_DEMAND")
    min_size       = number
    max_size       = number
    desired_size   = number
    disk_size_gib  = optional(number, 40)
    labels         = optional(map(string), {})
  }))

  validation {
    condition     = length(var.node_groups) > 0
    error_message = "node_groups must define at least one node group: add-ons such as CoreDNS need nodes to run on."
  }

  validation {
    condition     = alltrue([for g in values(var.node_groups) : g.min_size <= g.desired_size && g.desired_size <= g.max_size && g.max_size >= 1])
    error_message = "Each node group needs min_size <= desired_size <= max_size and max_size >= 1."
  }

  validation {
    condition     = alltrue([for g in values(var.node_groups) : contains(["ON_DEMAND", "SPOT"], g.capacity_type)])
    error_message = "capacity_type must be ON_DEMAND or SPOT."
  }
}

variable "addon_versions" {
  description = "EKS add-ons to install, by name, with a pinned version or null for the default version of the cluster's Kubernetes version."
  type        = map(string)
  default = {
    "vpc-cni"                = null
    "coredns"                = null
    "kube-proxy"             = null
    "eks-pod-identity-agent" = null
    "aws-ebs-csi-driver"     = null
    "metrics-server"         = null
  }

  validation {
    condition     = contains(keys(var.addon_versions), "eks-pod-identity-agent")
    error_message = "addon_versions must include eks-pod-identity-agent: every workload role in this platform uses EKS Pod Identity."
  }

  validation {
    condition     = contains(keys(var.addon_versions), "vpc-cni") && contains(keys(var.addon_versions), "metrics-server")
    error_message = "addon_versions must include vpc-cni (it enforces the NetworkPolicies) and metrics-server (the shop's HorizontalPodAutoscalers scale on its CPU metrics)."
  }
}

variable "sso_admin_permission_set_name" {
  description = "Name of the IAM Identity Center permission set whose role becomes cluster admin through an access entry (e.g. AdministratorAccess). null: no SSO admin entry."
  type        = string
  default     = null
}

variable "access_entries" {
  description = "Extra access entries by key: an IAM principal, the Kubernetes groups it joins (bound by RBAC in the cluster, e.g. the GitHub deploy roles' group from modules/github-oidc) and the EKS access policies it gets, cluster-wide or limited to namespaces."
  # kubernetes_groups as upstream types it (terraform-aws-modules/eks v21.19.0, variables.tf, access_entries).
  type = map(object({
    principal_arn     = string
    kubernetes_groups = optional(list(string))
    policy_associations = optional(map(object({
      policy_name = string
      namespaces  = optional(list(string))
    })), {})
  }))
  default = {}

  validation {
    condition     = alltrue([for e in values(var.access_entries) : length(e.policy_associations) > 0 || length(coalesce(e.kubernetes_groups, [])) > 0])
    error_message = "Each access entry needs an EKS access policy (policy_associations) or a Kubernetes group bound by RBAC (kubernetes_groups): an entry with neither may do nothing in the cluster."
  }

  validation {
    condition     = alltrue(flatten([for e in values(var.access_entries) : [for g in coalesce(e.kubernetes_groups, []) : !can(regex("^(system|eks|aws|amazon|iam):", g))]]))
    error_message = "kubernetes_groups may not start with system:, eks:, aws:, amazon: or iam: (EKS reserves them; CreateAccessEntry refuses them)."
  }

  validation {
    condition = alltrue(flatten([
      for e in values(var.access_entries) : [
        for p in values(e.policy_associations) : contains(["AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy", "AmazonEKSEditPolicy", "AmazonEKSViewPolicy"], p.policy_name)
      ]
    ]))
    error_message = "policy_name must be one of AmazonEKSClusterAdminPolicy, AmazonEKSAdminPolicy, AmazonEKSEditPolicy, AmazonEKSViewPolicy."
  }
}

variable "terraform_caller_admin" {
  description = "Give the identity running Terraform cluster admin through an access entry, so the Helm provider can install Argo CD in the same apply. Skipped when that identity is already the SSO admin role."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource of this module."
  type        = map(string)
  default     = {}
}
