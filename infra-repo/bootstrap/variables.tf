variable "region" {
  description = "AWS region that holds the Terraform state bucket, e.g. the region the platform runs in."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region code such as the one `aws configure get region` prints."
  }
}

variable "name_prefix" {
  description = "Prefix for the state bucket name; the account id and region are appended so the name is globally unique."
  type        = string
  default     = "slipway"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,20}$", var.name_prefix))
    error_message = "name_prefix must be 2-21 lowercase letters, digits or hyphens (it becomes part of an S3 bucket name)."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Days to keep superseded versions of state files before S3 deletes them (versions are the recovery path for a bad apply)."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_retention_days >= 7
    error_message = "noncurrent_version_retention_days must be at least 7 so a bad state write can still be rolled back."
  }
}

variable "tags" {
  description = "Tags added to every resource this root creates."
  type        = map(string)
  default     = {}
}
