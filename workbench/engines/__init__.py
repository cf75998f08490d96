"""How notebooks are executed, behind a small registry (executors: `fast`, the default, and `papermill`), and
the fork server the fast engine forks kernels from (forkserver)."""
