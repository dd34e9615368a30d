"""The help desk: handing a conversation to a person and back (plain rules)."""
