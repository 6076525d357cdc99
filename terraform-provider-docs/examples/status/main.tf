# Read the CMDOP agent's state with Terraform's external data source; changes nothing.
terraform {
  required_providers {
    external = {
      source  = "hashicorp/external"
      version = ">= 2.3.0"
    }
  }
}

variable "cmdop_update" {
  type    = string
  default = "cmdop-update"
}

data "external" "cmdop" {
  program = [var.cmdop_update, "status", "--terraform"]

  # Optional desired settings to compare with; {} only reads the state.
  query = {
    channel = "stable"
    auto    = "true"
  }
}

output "cmdop_installed_version" {
  value = data.external.cmdop.result.installed_version
}

output "cmdop_in_sync" {
  value = data.external.cmdop.result.in_sync
}

output "cmdop_status" {
  # The comparison's whole JSON document (drift, before, agent, warnings, ...).
  value = jsondecode(data.external.cmdop.result.result_json)
}

output "cmdop_binary" {
  # signed, modified (matches no signed release: drift that converge repairs), custom (held) or none
  value = data.external.cmdop.result.binary
}

output "cmdop_held" {
  # "true" while the machine keeps whatever binary is installed (hold)
  value = data.external.cmdop.result.held
}

output "cmdop_advisories" {
  # as of data.external.cmdop.result.last_success
  value = jsondecode(data.external.cmdop.result.advisories_json)
}
