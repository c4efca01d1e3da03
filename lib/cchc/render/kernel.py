"""The kernel of a run is always this environment's Python, whatever kernel specs the
machine has (no "No such kernel", no other interpreter from cron or CI)."""

from __future__ import annotations

import sys

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import KernelManager

KERNEL_NAME = "python3"


class ProjectKernelManager(KernelManager):
    @property
    def kernel_spec(self) -> KernelSpec:
        if self._kernel_spec is None:
            self._kernel_spec = KernelSpec(
                # Loopback TCP; the kernel's own start-up warnings are not the user's business.
                argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                      "--IPKernelApp.log_level=ERROR"],
                display_name="cchc (Python 3)", language="python", resource_dir="")
        return self._kernel_spec
