variable "name_prefix" {
  description = "Prefix of every repository name: repositories are <name_prefix>/<service>, e.g. slipway/product."
  type        = string
  default     = "slipway"

  validation {
    condition     = can(regex("^[a-z0-9]+([._-][a-z0-9]+)*$", var.name_prefix))
    error_message = "name_prefix must be lowercase letters and digits, optionally separated by '.', '_' or '-'."
  }
}

variable "services" {
  description = "Services that get an image repository, one each (the app-repo services)."
  type        = list(string)
  default     = ["frontend", "product", "cart", "order"]

  validation {
    condition     = length(var.services) > 0 && alltrue([for s in var.services : can(regex("^[a-z0-9]+([._-][a-z0-9]+)*$", s))])
    error_message = "services must be a non-empty list of lowercase repository names (letters, digits, '.', '_' or '-')."
  }
}

variable "untagged_image_expiry_days" {
  description = "Days after which untagged images (left behind by re-pushed layers and failed builds) are deleted."
  type        = number
  default     = 7

  validation {
    condition     = var.untagged_image_expiry_days >= 1
    error_message = "untagged_image_expiry_days must be at least 1."
  }
}

variable "create_preview_repositories" {
  description = "Create the preview repositories, <name_prefix>/preview/<service>, where pull requests' preview images go (only where previews run: dev)."
  type        = bool
  default     = false
}

variable "preview_image_expiry_days" {
  description = "Days after its push at which every image of the preview repositories is deleted. Keep it above PREVIEW_IDLE_DAYS + 1 (the previews workflow's idle timeout, checked hourly in whole days), or a live preview's pods cannot pull their image again when rescheduled."
  type        = number
  default     = 7

  validation {
    condition     = var.preview_image_expiry_days >= 2 && var.preview_image_expiry_days <= 30
    error_message = "preview_image_expiry_days must be between 2 and 30: a preview lives at least a day (PREVIEW_IDLE_DAYS >= 1), and a preview image older than a month serves no running preview."
  }
}

variable "max_image_count" {
  description = "Images kept per service repository; older ones are deleted. Keep it well above the number of releases a rollback may need."
  type        = number
  default     = 200

  validation {
    condition     = var.max_image_count >= 20
    error_message = "max_image_count must be at least 20 so rollbacks to recent releases keep working."
  }
}

variable "pull_principal_arns" {
  description = "IAM principals in other accounts allowed to pull (e.g. the prod node role when prod runs in its own account). Same-account nodes pull through their own IAM policy."
  type        = list(string)
  default     = []
}

variable "force_delete" {
  description = "Allow terraform destroy to delete repositories that still hold images (dev teardown)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource of this module."
  type        = map(string)
  default     = {}
}
