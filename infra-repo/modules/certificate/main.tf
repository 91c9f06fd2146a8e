# The environment's ACM certificate for its domain and the wildcard under it, validated by DNS in
# the existing public Route53 hosted zone that holds the domain.

data "aws_route53_zone" "this" {
  name         = var.hosted_zone_name
  private_zone = false
}

resource "aws_acm_certificate" "this" {
  domain_name               = var.domain_name
  subject_alternative_names = ["*.${var.domain_name}"]
  validation_method         = "DNS"
  tags                      = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

# ACM asks for the same CNAME for a name and its wildcard, so one record
# validates both. Keyed by the domain (known at plan time), never by attributes
# that are only known after the certificate exists.
resource "aws_route53_record" "certificate_validation" {
  for_each = toset([var.domain_name])

  zone_id         = data.aws_route53_zone.this.zone_id
  name            = one([for o in aws_acm_certificate.this.domain_validation_options : o.resource_record_name if o.domain_name == each.key])
  type            = one([for o in aws_acm_certificate.this.domain_validation_options : o.resource_record_type if o.domain_name == each.key])
  records         = [one([for o in aws_acm_certificate.this.domain_validation_options : o.resource_record_value if o.domain_name == each.key])]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "this" {
  certificate_arn         = aws_acm_certificate.this.arn
  validation_record_fqdns = [for r in aws_route53_record.certificate_validation : r.fqdn]
}
