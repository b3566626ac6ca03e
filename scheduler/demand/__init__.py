"""Demand from data: each ward's demand by weekday and hour built from a force's incident
and crime records (docs/demand.md)."""

from scheduler.demand.hotspots import Built, HotSpotOptions, demand_and_hot_spots, hot_spots_from
from scheduler.demand.profile import HARM, Demand, DemandOptions, Priority, WardDemand, demand_from
from scheduler.demand.records import Boundaries, Incident, read_boundaries, read_incidents

__all__ = [
    "HARM",
    "Boundaries",
    "Built",
    "Demand",
    "DemandOptions",
    "HotSpotOptions",
    "Incident",
    "Priority",
    "WardDemand",
    "demand_and_hot_spots",
    "demand_from",
    "hot_spots_from",
    "read_boundaries",
    "read_incidents",
]
