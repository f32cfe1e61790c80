"""The classroom page: students play states, the teacher injects shocks, everyone sees why each
state acts (``sim-app``). Builds on the Mesa shell (``sim.abm``), the scenario layer, the core's
event types and the coded record (``sim.validation``, for the debrief).

``session`` (one model: reset, step with players' choices, offers, shocks), ``classroom`` (rooms,
join codes, the teacher key), ``explain`` (why a state chose), ``debrief`` (the class against the
model and the record, as one HTML file), ``upload`` (scenario files as data), ``library`` (the
scenarios), ``figures`` (Matplotlib figures), ``page`` (the Solara page); ``server`` and
``assets`` serve it offline."""
