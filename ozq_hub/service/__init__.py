"""The hub's rules, called by the API routes and by the CLI alike.

Every function takes the SQLAlchemy session as a keyword argument and runs inside
the caller's transaction; a refusal is raised as `ozq_hub.refusals.Refusal` (a machine code, no HTTP status:
the API layer maps codes to statuses).
"""
