terraform {
  # use_lockfile (S3 native state locking) needs Terraform 1.10 or later.
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.9, < 7.0"
    }
    helm = {
      source  = "hashicorp/helm"
      version = ">= 3.0, < 4.0"
    }
  }

  # Partial configuration: bucket and region come from backend.hcl
  # (terraform init -backend-config=backend.hcl), written from the bootstrap outputs.
  backend "s3" {
    key          = "environments/dev/terraform.tfstate"
    encrypt      = true
    use_lockfile = true
  }
}
