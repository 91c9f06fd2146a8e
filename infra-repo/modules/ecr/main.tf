# One repository per service: immutable tags (a tag always means the same
# digest, which promotion relies on), scan on push, and lifecycle rules.

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
# matching a rule's tag selection can never be expired by a rule of higher rulePriority. A rule with
# tagStatus "tagged" names its tags by tagPatternList (wildcards `*`, at most four per pattern; the
# documented best practice) or tagPrefixList, not both.
locals {
  # The tags of the pull-request workflow's preview images: pr-<number>-<head sha>
  # (.github/workflows/pull-request.yml, job preview). Release images are tagged sha-<short sha> or
  # with their version (actions/lib/images/tags.ts), never pr-*.
  preview_tag_pattern = "pr-*"
}

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
      # Preview images expire by age, counted from their push (sinceImagePushed): a preview lives
      # while its pull request's head commit is younger than PREVIEW_IDLE_DAYS (.github/workflows/
      # previews.yml, hourly), and its images were pushed after that commit, so they outlive it. Only
      # pr-* images match, and rule 3 can never expire them (they match this rule's selection).
      {
        rulePriority = 2
        description  = "Delete preview images (${local.preview_tag_pattern}) ${var.preview_image_expiry_days} days after their push"
        selection = {
          tagStatus      = "tagged"
          tagPatternList = [local.preview_tag_pattern]
          countType      = "sinceImagePushed"
          countUnit      = "days"
          countNumber    = var.preview_image_expiry_days
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 3
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
