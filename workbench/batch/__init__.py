"""`workbench run`: the clients of a run and their jobs (jobs), one client's steps (client), the run as a whole
(run), the pools that run clients, registered by name (pools: the local worker pool in local_pool, a Dask cluster
in dask_pool), the progress display (progress) and the index of the run (index)."""
from workbench.batch.jobs import FORMATS, ClientResult, discover
from workbench.batch.run import run_batch

__all__ = ["FORMATS", "ClientResult", "discover", "run_batch"]
