"""The rules of the service centre, free of Qt and of storage."""
