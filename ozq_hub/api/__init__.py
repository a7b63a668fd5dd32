"""The hub's HTTP routes, all under `ozq_wire.protocol.API_PREFIX`."""
