variable "environment" {
  description = "Environment this Argo CD serves: dev or prod. Picks the GitOps folder gitops-repo/environments/<environment> unless gitops_path is set."
  type        = string

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod (the folders under gitops-repo/environments)."
  }
}

variable "namespace" {
  description = "Namespace Argo CD is installed in."
  type        = string
  default     = "argocd"
}

variable "chart_version" {
  description = "Exact version of the argo-cd Helm chart (argoproj/argo-helm). Pinned: upgrades are a reviewed change."
  type        = string
  default     = "9.5.4"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.chart_version))
    error_message = "chart_version must be an exact chart version such as 9.5.4, not a range."
  }
}

variable "apps_chart_version" {
  description = "Exact version of the argocd-apps Helm chart that creates the root Application."
  type        = string
  default     = "2.0.2"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.apps_chart_version))
    error_message = "apps_chart_version must be an exact chart version such as 2.0.2, not a range."
  }
}

variable "gitops_repo_url" {
  description = "Git URL of the GitOps repository the root Application tracks (this monorepo, or the split-out gitops repository)."
  type        = string

  validation {
    condition     = can(regex("^(https://|ssh://|git@)", var.gitops_repo_url))
    error_message = "gitops_repo_url must be an https://, ssh:// or git@ Git URL."
  }
}

variable "gitops_path" {
  description = "Folder of the environment's child Applications inside the GitOps repository. null: gitops-repo/environments/<environment> (the monorepo layout); use environments/<environment> for a split-out repository."
  type        = string
  default     = null

  validation {
    condition     = var.gitops_path == null || (can(regex("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", coalesce(var.gitops_path, "x"))) && !contains(split("/", coalesce(var.gitops_path, "x")), ".."))
    error_message = "gitops_path must be a relative folder path without leading or trailing slashes or '..'."
  }
}

variable "gitops_target_revision" {
  description = "Branch, tag or commit of the GitOps repository the root Application follows."
  type        = string
  default     = "main"
}

variable "root_application_name" {
  description = "Name of the root Application. null: <environment>-root."
  type        = string
  default     = null
}

variable "high_availability" {
  description = "Run Argo CD components with two or more replicas and Redis HA (prod; needs at least three nodes)."
  type        = bool
  default     = false
}

variable "extra_values" {
  description = "Additional values documents (YAML) merged over this module's argo-cd chart values, last wins."
  type        = list(string)
  default     = []
}

variable "prune" {
  description = "Whether the root Application prunes resources removed from Git automatically. Off for prod, where deleting is a deliberate manual sync (matches gitops-repo/environments/prod/bootstrap/root.yaml)."
  type        = bool
  default     = true
}
