variable "cmdop_update" {
  description = "The cmdop-update executable on the machine that runs Terraform."
  type        = string
  default     = "cmdop-update"
}

variable "root" {
  description = "Machine root that cmdop-update manages (its --root); \"/\" is the machine itself."
  type        = string
  default     = "/"
}

variable "channel" {
  description = "Release channel: stable, beta or nightly."
  type        = string
  default     = "stable"

  validation {
    condition     = contains(["stable", "beta", "nightly"], var.channel)
    error_message = "The channel must be stable, beta or nightly."
  }
}

variable "auto" {
  description = "Whether automatic updates are on."
  type        = bool
  default     = true
}

variable "interval" {
  description = "How often automatic updates check the feed, 15m .. 30d."
  type        = string
  default     = "6h"
}

variable "pin" {
  description = "Version to pin and run, such as v1.4.2 (installed from the machine's update.feed, verified with update.trusted_keys); \"\" means not pinned."
  type        = string
  default     = ""
}
