"""The service layer: what the API's routes, the pages, the worker and the CLI share.

Routes and pages parse a request, check the caller, call a service and map its domain
errors (`api.services.errors`) to HTTP once, in `api.main`; so a page can do nothing the
API would refuse. Services never import FastAPI, a route module or a page.
"""
