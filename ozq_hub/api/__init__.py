"""The hub's HTTP routes, all under `ozq_desktop.sync.protocol.API_PREFIX`."""
