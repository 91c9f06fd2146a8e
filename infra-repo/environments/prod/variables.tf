variable "region" {
  description = "AWS region of the prod environment."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region code such as the one `aws configure get region` prints."
  }
}

variable "github_org" {
  description = "GitHub organisation or user owning the repository whose production environment deploys here."
  type        = string
}

variable "github_repo" {
  description = "Repository (without organisation) whose production environment deploys here."
  type        = string
}

variable "github_owner_id" {
  description = "Numeric id of the repository's owner (gh api repos/OWNER/REPO --jq .owner.id): part of GitHub's immutable OIDC subject."
  type        = number
}

variable "github_repository_id" {
  description = "Numeric id of the repository (gh api repos/OWNER/REPO --jq .id): part of GitHub's immutable OIDC subject."
  type        = number
}

variable "github_subject_format" {
  description = "OIDC subject form the repository issues, the only one the roles trust: \"immutable\" when gh api repos/OWNER/REPO/actions/oidc/customization/sub --jq .sub_claim_prefix prints repo:OWNER@OWNER-ID/REPO@REPO-ID, \"legacy\" when it prints repo:OWNER/REPO."
  type        = string
}

variable "create_github_oidc_provider" {
  description = "Create the GitHub OIDC provider here: true when prod has its own AWS account, false when it shares dev's account (which already created it). No default: decide."
  type        = bool
}

variable "gitops_repo_url" {
  description = "Git URL of the GitOps repository Argo CD syncs (this monorepo, or the split-out gitops repository)."
  type        = string
}

variable "gitops_path" {
  description = "Folder of prod's child Applications in the GitOps repository; null means gitops-repo/environments/prod (monorepo layout)."
  type        = string
  default     = null
}

variable "hosted_zone_name" {
  description = "Existing public Route53 hosted zone holding the prod domain, e.g. shop.example.com."
  type        = string
}

variable "domain_name" {
  description = "Prod's domain inside the hosted zone, e.g. shop.example.com or www.shop.example.com."
  type        = string
}

variable "sso_admin_permission_set_name" {
  description = "IAM Identity Center permission set whose role is cluster admin (e.g. AdministratorAccess); null for none."
  type        = string
  default     = null
}

variable "endpoint_public_access_cidrs" {
  description = "CIDR blocks allowed to reach the prod Kubernetes API endpoint (office/VPN ranges). No default: the prod API is not open to the internet by accident."
  type        = list(string)

  validation {
    condition     = length(var.endpoint_public_access_cidrs) > 0 && !contains(var.endpoint_public_access_cidrs, "0.0.0.0/0")
    error_message = "endpoint_public_access_cidrs must list specific ranges; 0.0.0.0/0 is not allowed for prod."
  }
}
