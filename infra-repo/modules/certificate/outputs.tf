output "certificate_arn" {
  description = "ARN of the validated ACM certificate for the domain and its wildcard (the Ingress annotation alb.ingress.kubernetes.io/certificate-arn)."
  value       = aws_acm_certificate_validation.this.certificate_arn
}

output "hosted_zone_id" {
  description = "ID of the Route53 hosted zone that holds the domain (external-dns's --zone-id-filter)."
  value       = data.aws_route53_zone.this.zone_id
}

output "hosted_zone_arn" {
  description = "ARN of the Route53 hosted zone that holds the domain: the only zone external-dns may change (modules/controller-iam)."
  value       = data.aws_route53_zone.this.arn
}

output "domain_name" {
  description = "The environment's domain."
  value       = var.domain_name
}
