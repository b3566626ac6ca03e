"""Beatplan's service: stores teams and rotas, runs solve jobs, publishes versions.

It turns tables into a `scheduler.Scenario`, calls the library, and stores the `Rota`;
it holds no scheduling logic of its own.
"""
