"""Opspor's domain: the method *Isolerede sindslidende i egen bolig* from the register to
the door. One package per stage of the data's way (docs/architecture.md):

register → signals → priorities → routes, with partners beside them; the repository is
the one way in and out of the store, and the CLI sits on top.
"""
