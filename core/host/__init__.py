"""The plugin host: the second step of the flow, between reading and scoring.

It finds the plugins through their entry points and checks them (``registry``, ``contract``),
then runs them on every document within a time budget (``budget``): the ``Runner`` splits a
document into blocks, collects the plugins' votes and has them combined into labels
(``pageparts.scoring``), in this process, in worker processes (``workers``) or on a Dask cluster
(``dask_engine``).
"""
