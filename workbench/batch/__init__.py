"""`workbench run`: the clients of a run and their jobs (jobs), one client's steps (client), the run as a whole
(run), the pools that run clients, registered by name (pools: the local worker pool in local_pool, a Dask cluster
in dask_pool), the progress display (progress) and the index of the run (index).

Nothing is imported here: every command imports the CLI, which needs only the pools' names, and a package
that imported the run (and with it the report, nbconvert, matplotlib and the store) cost every command a second
or more before it did anything.
"""
