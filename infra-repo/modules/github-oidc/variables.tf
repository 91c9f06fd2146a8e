variable "github_org" {
  description = "GitHub organisation or user that owns the repository whose workflows assume these roles."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9](-?[A-Za-z0-9])*$", var.github_org))
    error_message = "github_org must be a GitHub account name: letters, digits and single hyphens, no wildcards."
  }
}

variable "github_repo" {
  description = "Name of the repository (without the organisation) whose workflows assume these roles."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]+$", var.github_repo))
    error_message = "github_repo must be a repository name: letters, digits, '.', '_' or '-', no wildcards."
  }
}

variable "github_owner_id" {
  description = "Numeric id of the account that owns the repository: `gh api repos/OWNER/REPO --jq .owner.id`. Part of GitHub's immutable OIDC subject (repo:OWNER@OWNER-ID/REPO@REPO-ID:...); an id never changes and is never reused, unlike a name."
  type        = number

  validation {
    condition     = can(regex("^[1-9][0-9]*$", tostring(var.github_owner_id)))
    error_message = "github_owner_id must be the owner's numeric id, a whole number above 0 (gh api repos/OWNER/REPO --jq .owner.id)."
  }
}

variable "github_repository_id" {
  description = "Numeric id of the repository: `gh api repos/OWNER/REPO --jq .id`. Part of GitHub's immutable OIDC subject."
  type        = number

  validation {
    condition     = can(regex("^[1-9][0-9]*$", tostring(var.github_repository_id)))
    error_message = "github_repository_id must be the repository's numeric id, a whole number above 0 (gh api repos/OWNER/REPO --jq .id)."
  }
}

variable "github_subject_format" {
  description = "The form of the OIDC `sub` claim the repository issues, and the only one its roles trust: \"immutable\" (repo:OWNER@OWNER-ID/REPO@REPO-ID:..., the default of repositories created after 2026-07-15 and of those that opted in) or \"legacy\" (repo:OWNER/REPO:...). Read it: `gh api repos/OWNER/REPO/actions/oidc/customization/sub --jq .sub_claim_prefix`; output subject_prefix must equal it."
  type        = string

  validation {
    condition     = contains(["immutable", "legacy"], var.github_subject_format)
    error_message = "github_subject_format must be \"immutable\" (sub_claim_prefix is repo:OWNER@OWNER-ID/REPO@REPO-ID) or \"legacy\" (sub_claim_prefix is repo:OWNER/REPO); read it with gh api repos/OWNER/REPO/actions/oidc/customization/sub --jq .sub_claim_prefix."
  }
}

variable "name_prefix" {
  description = "Prefix of the role names, e.g. slipway."
  type        = string
  default     = "slipway"
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC provider. An account holds one provider per URL: set false in the second environment when dev and prod share an account."
  type        = bool
  default     = true
}

variable "create_build_role" {
  description = "Create the build/push role (ECR push from the main branch). Images are built once, so only the environment owning the registry needs it."
  type        = bool
  default     = false
}

variable "ecr_repository_arns" {
  description = "ARNs of the release ECR repositories the build/push role may push to (modules/ecr output repository_arns)."
  type        = list(string)
  default     = []
}

variable "preview_ecr_repository_arns" {
  description = "ARNs of the preview ECR repositories the preview role may push to, and the only ones it may use (modules/ecr output preview_repository_arns)."
  type        = list(string)
  default     = []

  validation {
    condition     = length(setintersection(toset(var.preview_ecr_repository_arns), toset(var.ecr_repository_arns))) == 0
    error_message = "preview_ecr_repository_arns must not name a release repository (one of ecr_repository_arns): the preview role may push only to the preview repositories (modules/ecr output preview_repository_arns)."
  }
}

variable "create_dev_deploy_role" {
  description = "Create the dev deploy role, trusted only from jobs bound to the GitHub Environment `dev` (deployment branches: main)."
  type        = bool
  default     = false
}

variable "create_prod_deploy_role" {
  description = "Create the prod deploy role, trusted ONLY from jobs bound to the GitHub Environment `production` (whose required reviewers are the manual approval)."
  type        = bool
  default     = false
}

variable "create_preview_role" {
  description = "Create the preview role, trusted only from pull_request runs of this repository: push preview images to preview_ecr_repository_arns (no release repository) and read the preview Applications on cluster_name (dev only)."
  type        = bool
  default     = false
}

variable "cluster_name" {
  description = "Name of the EKS cluster the deploy role verifies rollouts on (eks:DescribeCluster for kubeconfig; Kubernetes rights come from an EKS access entry)."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource of this module."
  type        = map(string)
  default     = {}
}

variable "deploy_kubernetes_group" {
  description = "Kubernetes group of the deploy roles (their EKS access entry's kubernetes_groups). gitops-repo/apps/platform/namespaces/deploy-access.yaml binds it by name: change both together."
  type        = string
  default     = "slipway-deploy-verifiers"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{0,62}$", var.deploy_kubernetes_group)) && !can(regex("^(system|eks|aws|amazon|iam)[:-]", var.deploy_kubernetes_group))
    error_message = "deploy_kubernetes_group must be a lower-case name (letters, digits, '.', '-') not starting with system, eks, aws, amazon or iam, which EKS reserves."
  }
}

variable "preview_kubernetes_group" {
  description = "Kubernetes group of the preview role (its EKS access entry's kubernetes_groups). gitops-repo/apps/platform/namespaces/deploy-access.yaml binds it by name to reading Applications in argocd: change both together."
  type        = string
  default     = "slipway-preview-readers"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{0,62}$", var.preview_kubernetes_group)) && !can(regex("^(system|eks|aws|amazon|iam)[:-]", var.preview_kubernetes_group))
    error_message = "preview_kubernetes_group must be a lower-case name (letters, digits, '.', '-') not starting with system, eks, aws, amazon or iam, which EKS reserves."
  }

  validation {
    condition     = var.preview_kubernetes_group != var.deploy_kubernetes_group
    error_message = "preview_kubernetes_group must differ from deploy_kubernetes_group: the deploy roles' group may patch the service Applications and proxy to Prometheus, the preview role may only read Applications."
  }
}
