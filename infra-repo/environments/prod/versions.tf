terraform {
  # use_lockfile (S3 native state locking) needs Terraform 1.10 or later.
  required_version = ">= 1.10"

  required_providers {
    # 6.28: the lowest version the pinned registry modules accept (terraform-aws-modules/vpc 6.6.0,
    # eks 21.19.0 and eks-pod-identity 2.8.1 require ">= 6.28" in their versions.tf).
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.28, < 7.0"
    }
    helm = {
      source  = "hashicorp/helm"
      version = ">= 3.0, < 4.0"
    }
    # Required by terraform-aws-modules/eks 21.19.0 (tls ">= 4.0", time ">= 0.9"); bounded here.
    tls = {
      source  = "hashicorp/tls"
      version = ">= 4.0, < 5.0"
    }
    time = {
      source  = "hashicorp/time"
      version = ">= 0.9, < 1.0"
    }
  }

  # Partial configuration: bucket and region come from backend.hcl
  # (terraform init -backend-config=backend.hcl), written from the bootstrap outputs.
  backend "s3" {
    key          = "environments/prod/terraform.tfstate"
    encrypt      = true
    use_lockfile = true
  }
}
