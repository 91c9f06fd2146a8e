terraform {
  # S3 native state locking (use_lockfile) needs Terraform 1.10 or later.
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.9, < 7.0"
    }
  }

  # The state of the state bucket itself stays local: this root is applied once,
  # before any remote state exists. Keep terraform.tfstate out of git.
}
