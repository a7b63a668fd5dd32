"""Talking to the hub: the outbox push and the change-feed pull, with no Qt.

`ozq_wire.protocol` holds the wire schemas the hub (`ozq_hub`) shares;
everything else here is the desk side of the conversation.
"""
