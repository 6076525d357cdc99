# -*- coding: utf-8 -*-
# Options every cmdop.agent module takes: where the machine is and which cmdop-update runs it.

from __future__ import annotations

__metaclass__ = type


class ModuleDocFragment:
    DOCUMENTATION = r'''
options:
  root:
    description:
      - Machine root directory, passed as C(--root). Every machine path (configuration, agent binary,
        data and logs) is resolved inside it. Mostly useful for images, containers and tests.
      - The directory must exist; the CLI refuses a root that does not (rc 64, C(USAGE)).
      - When not set, the CLI's default applies (C(CMDOP_ROOT) in its environment, else C(/)).
    type: path
  executable:
    description:
      - The C(cmdop-update) executable on the managed host, a command name looked up on the C(PATH)
        or a full path.
    type: path
    default: cmdop-update
'''
