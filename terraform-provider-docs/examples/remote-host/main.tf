# Converge and read the CMDOP agent of remote machines over ssh: both commands read their input
# on stdin, which ssh forwards. For a large fleet prefer the Ansible collection cmdop.agent.
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    external = {
      source  = "hashicorp/external"
      version = ">= 2.3.0"
    }
  }
}

variable "hosts" {
  description = "ssh destinations, such as root@web-01.example.com."
  type        = set(string)
}

variable "channel" {
  type    = string
  default = "stable"
}

variable "pin" {
  type    = string
  default = ""
}

locals {
  cmdop_desired = {
    channel = var.channel
    pin     = var.pin
  }
}

resource "terraform_data" "cmdop_agent" {
  for_each         = var.hosts
  triggers_replace = local.cmdop_desired

  provisioner "local-exec" {
    command = <<-EOT
      printf '%s' "$CMDOP_DESIRED" | ssh -o BatchMode=yes "$CMDOP_HOST" cmdop-update converge --state - --json
    EOT
    environment = {
      CMDOP_DESIRED = jsonencode(local.cmdop_desired)
      CMDOP_HOST    = each.value
    }
  }
}

data "external" "cmdop_agent" {
  for_each = var.hosts
  program  = ["ssh", "-o", "BatchMode=yes", each.value, "cmdop-update", "status", "--terraform"]

  query = {
    channel = var.channel
    pin     = var.pin
  }
}

output "cmdop_drifted_hosts" {
  value = [for host, status in data.external.cmdop_agent : host if status.result.in_sync != "true"]
}
