"""`cchc batch`: the full report of many units of one period, each independent and atomic.

    units      which units a batch runs (params/<unit>/<period>.yaml; cities skipped) and
               which are up to date (same raw, parameter, prose and code hashes as their manifest)
    worker     one process's kernel, kept warm and reused report after report; each report
               exported in that process itself (no export worker beside it)
    local      the batch on this machine: a pool of worker processes (default)
    dask_runner the same tasks on an existing Dask distributed cluster (--scheduler)
    summary    progress lines, the summary table, outputs/batch-<period>.json and .md
    command    the subcommand's arguments and exit code

A unit that fails is reported with its Vietnamese reason and the others publish (each run stages
its outputs: cchc.render.publish). The outputs are the bytes `cchc run` writes, apart from the
manifest's times and command.
"""

from cchc.batch.errors import BatchError

__all__ = ["BatchError"]
