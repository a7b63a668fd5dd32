"""What the desk and the hub must agree on, and nothing else.

The desk (`ozq_desktop`) and the hub (`ozq_hub`) are separate programs. They share this small
package only: the wire protocol (`protocol`), the service catalog both read (`catalog`), the
rule that counts a term's days (`calendar`), the message-carrying error base (`errors`), the
durable-rename helper (`durable`) and the database naming convention (`naming`). It depends on
pydantic and the `holidays` library, never on Qt, SQLAlchemy sessions or either program.
"""
