# One repository per service: immutable tags (a tag always means the same
# digest, which promotion relies on), scan on push, and lifecycle rules. The repository arguments
# (image_tag_mutability "IMMUTABLE", image_scanning_configuration.scan_on_push,
# encryption_configuration.encryption_type "AES256", force_delete) are the hashicorp/aws provider's,
# website/docs/r/ecr_repository.html.markdown, at the version environments/*/versions.tf allows
# (>= 6.28, < 7.0); the preview repositories below take the same ones.

resource "aws_ecr_repository" "service" {
  for_each = toset(var.services)

  name                 = "${var.name_prefix}/${each.value}"
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.force_delete

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "AES256"
  }

  tags = merge(var.tags, { Service = each.value })
}

# The lifecycle rules (AWS ECR User Guide, "Lifecycle policy properties in Amazon ECR" and "How
# lifecycle policies work"): rules are applied from the lowest rulePriority up, a rule with tagStatus
# "any" must have the highest rulePriority, an image is expired by one rule at most, and an image
# matching a rule's tag selection can never be expired by a rule of higher rulePriority. countUnit
# ("days") goes with countType sinceImagePushed only. Only release images are pushed here (sha-<short
# sha> and versions, actions/lib/images/tags.ts); preview images have repositories of their own (below).
resource "aws_ecr_lifecycle_policy" "service" {
  for_each = aws_ecr_repository.service

  repository = each.value.name
  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Delete untagged images after ${var.untagged_image_expiry_days} days"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = var.untagged_image_expiry_days
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep the newest ${var.max_image_count} images"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = var.max_image_count
        }
        action = { type = "expire" }
      },
    ]
  })
}

# ---------------------------------------------------------------- preview repositories
# Pull requests' preview images (the pull-request workflow's `preview` job, tags pr-<number>-<head
# sha>) go to repositories of their own, <name_prefix>/preview/<service>, which only the preview role
# may push to (modules/github-oidc, preview_ecr_repository_arns); that role gets no access to the
# release repositories above, so a pull request cannot take a release tag there first. Only where
# previews run (dev: create_preview_repositories). A repository name is lowercase letters, digits
# and . _ - separated by single slashes, 2 to 256 characters (ECR API Reference, CreateRepository,
# repositoryName). No cross-account pull policy: prod never runs a preview image.
locals {
  # The one place the module says where a service's preview repository lives: <this>/<service>.
  # .github/workflows/pull-request.yml (build step, repository-prefix) and
  # gitops-repo/environments/dev/previews.yaml name the same; infra-repo/test/ecr-lifecycle.test.ts
  # holds them equal.
  preview_repository_prefix = "${var.name_prefix}/preview"
}

resource "aws_ecr_repository" "preview" {
  for_each = var.create_preview_repositories ? toset(var.services) : toset([])

  name                 = "${local.preview_repository_prefix}/${each.value}"
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.force_delete

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "AES256"
  }

  tags = merge(var.tags, { Service = each.value, Images = "preview" })
}

# One rule: every image, tagged or not (its attestations too), expires preview_image_expiry_days
# after its push (tagStatus "any" with countType sinceImagePushed, countUnit "days"; a lone "any"
# rule has the highest rulePriority). A preview lives while its pull request's head commit is
# younger than PREVIEW_IDLE_DAYS (.github/workflows/previews.yml, hourly), and its images were
# pushed after that commit, so they outlive it.
resource "aws_ecr_lifecycle_policy" "preview" {
  for_each = aws_ecr_repository.preview

  repository = each.value.name
  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Delete every preview image ${var.preview_image_expiry_days} days after its push"
        selection = {
          tagStatus   = "any"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = var.preview_image_expiry_days
        }
        action = { type = "expire" }
      },
    ]
  })
}

# Pull only: the three repository-level actions a pull uses (BatchCheckLayerAvailability,
# GetDownloadUrlForLayer, BatchGetImage: AWS ECR User Guide, "AWS managed policies for Amazon ECR",
# AmazonEC2ContainerRegistryPullOnly). No GetAuthorizationToken here: it is registry-wide, so the
# pulling account grants it to its own principals.
data "aws_iam_policy_document" "cross_account_pull" {
  count = length(var.pull_principal_arns) > 0 ? 1 : 0

  statement {
    sid = "CrossAccountPull"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
    ]

    principals {
      type        = "AWS"
      identifiers = var.pull_principal_arns
    }
  }
}

resource "aws_ecr_repository_policy" "cross_account_pull" {
  for_each = length(var.pull_principal_arns) > 0 ? aws_ecr_repository.service : {}

  repository = each.value.name
  policy     = data.aws_iam_policy_document.cross_account_pull[0].json
}
